"""Sends invitation emails over SMTP, and sorts the server's failures into retry or give up."""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from bot.adapters.invite_mail import invitation_email
from bot.adapters.qr import qr_png
from bot.domain.model import Status
from bot.services.delivery import Obsolete, RetryLater, Undeliverable
from bot.services.ports import Delivery
from bot.services.subjects import Subject


class SmtpSender:
    def __init__(
        self,
        smtp_url: str,
        mail_from: str,
        clock: Callable[[], datetime],
        timeout: float = 10.0,
    ) -> None:
        parts = urlsplit(smtp_url)
        self.ssl = parts.scheme == "smtps"
        self.host = parts.hostname or "localhost"
        self.port = parts.port or (465 if self.ssl else 25)
        self.mail_from = mail_from
        self.clock = clock
        self.timeout = timeout

    def send(self, delivery: Delivery, subject: Subject) -> dict[str, Any]:
        registration, partner = subject.registration, subject.partner
        if registration is None or partner is None:
            raise Undeliverable("the invitation's registration is gone")
        if registration.status is not Status.PREREGISTERED:
            raise Obsolete(f"the customer is {registration.status.value} now")
        if not registration.customer.email:
            raise Undeliverable("the customer has no email address")
        link = str(delivery.notification.payload["link"])
        message = invitation_email(
            registration, partner, link, self.mail_from, qr_png(link), self.clock()
        )
        try:
            with self._connect() as smtp:
                refused = smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as failure:
            raise _classified(failure.recipients) from failure
        except smtplib.SMTPResponseException as failure:
            raise _by_code(failure.smtp_code, failure.smtp_error) from failure
        except (smtplib.SMTPException, OSError) as failure:
            raise RetryLater(f"{type(failure).__name__}: {failure}") from failure
        if refused:
            raise _classified(refused)
        return {"message_id": str(message["Message-ID"])}

    def _connect(self) -> smtplib.SMTP:
        if self.ssl:
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout)
        return smtplib.SMTP(self.host, self.port, timeout=self.timeout)


def _classified(refused: dict[str, tuple[int, bytes]]) -> Exception:
    code, error = next(iter(refused.values()))
    return _by_code(code, error)


def _by_code(code: int, error: bytes | str) -> Exception:
    text = error.decode(errors="replace") if isinstance(error, bytes) else str(error)
    if 500 <= code < 600:
        return Undeliverable(f"SMTP {code}: {text}")
    return RetryLater(f"SMTP {code}: {text}")
