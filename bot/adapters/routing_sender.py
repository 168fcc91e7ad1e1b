"""One sender for the outbox: email kinds over SMTP, everything else to Slack."""

from __future__ import annotations

from typing import Any

from bot.services.delivery import Sender, Undeliverable
from bot.services.ports import EMAIL_KINDS, Delivery
from bot.services.subjects import Subject


class RoutingSender:
    def __init__(self, slack: Sender, mail: Sender | None) -> None:
        self.slack = slack
        self.mail = mail

    def send(self, delivery: Delivery, subject: Subject) -> dict[str, Any]:
        if delivery.notification.kind in EMAIL_KINDS:
            if self.mail is None:
                raise Undeliverable("SMTP_URL is not set: email cannot be sent")
            return self.mail.send(delivery, subject)
        return self.slack.send(delivery, subject)
