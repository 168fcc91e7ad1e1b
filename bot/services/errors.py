"""Refusals of the use cases, beside the domain's own (bot.domain.errors)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.domain.errors import Refusal
from bot.domain.model import Reason, Registration


class UnknownPartner(Refusal):
    """The Slack user (or id) is linked to no partner company."""

    def __init__(self, who: str) -> None:
        super().__init__(f'"{who}" belongs to no partner company')
        self.who = who


class RegistrationNotFound(Refusal):
    """No such registration, or not one this partner may see."""


class OpenOpportunities(Refusal):
    """The customer has more open opportunities than the partner was warned of."""

    def __init__(self, count: int, registration: Registration) -> None:
        super().__init__(f"{count} open opportunities")
        self.count = count
        self.registration = registration


class JustificationRequired(Refusal):
    """A review request needs the partner's written justification."""


class InvitingNotConfigured(Refusal):
    """INVITE_SECRET is not set: no invitation can be signed or checked."""


class NotInvitable(Refusal):
    """Only a customer pre-registered and still within its validity can be invited."""

    def __init__(self, status: str) -> None:
        super().__init__(f"a registration that is {status} cannot be invited")
        self.status = status


class EmailNotConfigured(Refusal):
    """SMTP_URL is not set: invitations go by link and QR code only."""


class NoEmailOnFile(Refusal):
    """The customer was pre-registered by mobile only: there is no address to write to."""


class EmailLimitReached(Refusal):
    """As many invitation emails in the last day as a customer may receive."""

    def __init__(self, limit: int, next_at: datetime) -> None:
        super().__init__(f"{limit} invitation emails sent in the last day")
        self.limit = limit
        self.next_at = next_at


class InvalidInvitation(Refusal):
    """The token does not verify (tampered, foreign, malformed) or names nothing."""


class InvitationEnded(Refusal):
    """The pre-registration the link belongs to expired, was deleted or ended otherwise."""

    def __init__(self, status: str) -> None:
        super().__init__(f"the invitation's pre-registration is {status}")
        self.status = status


class AlreadyAssociated(Refusal):
    """The customer has associated already (with another identity than the one given)."""


class TooManyAttempts(Refusal):
    """Too many wrong identities on one invitation lately; `retry_at` says when to retry."""

    def __init__(self, retry_at: datetime) -> None:
        super().__init__(f"too many wrong attempts; retry at {retry_at.isoformat()}")
        self.retry_at = retry_at


class WrongIdentity(Refusal):
    """The customer typed another email (or mobile) than the one pre-registered."""

    def __init__(self, field: str, attempts_left: int) -> None:
        super().__init__(f"the {field} is not the one that was pre-registered")
        self.field = field
        self.attempts_left = attempts_left


class ExtensionNeedsReview(Refusal):
    """The rules, run again, no longer let the customer through at once: no extension."""

    def __init__(self, reasons: Sequence[Reason], registration: Registration) -> None:
        super().__init__("the rules now send this customer to review or block it")
        self.reasons = tuple(reasons)
        self.registration = registration


BUSY = "The service is busy right now and nothing was saved. Please try again in a moment."
NOT_STORABLE = (
    "Something you typed is too long or contains a character that cannot be stored "
    "(such as a NUL). Nothing was saved: please shorten or correct it and try again."
)


class ServiceBusy(Refusal):
    """The database did not answer in time (locked, unreachable, full): nothing was saved."""

    def __init__(self, cause: str = "") -> None:
        super().__init__(BUSY)
        self.cause = cause


class ValueNotStorable(Refusal):
    """A value the database cannot hold (too long, a NUL character): nothing was saved."""

    def __init__(self, cause: str = "") -> None:
        super().__init__(NOT_STORABLE)
        self.cause = cause
