"""Refusals of the use cases, beside the domain's own (bot.domain.errors).

Each is a row: its name, the facts the answer may tell (its fields), and `said`, the line
its `str()` gives, filled from those facts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.domain.errors import Refusal

if TYPE_CHECKING:  # annotations only: ServiceBusy is raised where the model is not loaded
    from bot.domain.model import Reason, Registration

BUSY = "The service is busy right now and nothing was saved. Please try again in a moment."
HOME_CONTENDED = "Your App Home is being updated right now. Please try again in a moment."
NOT_STORABLE = (
    "Something you typed is too long or contains a character that cannot be stored "
    "(such as a NUL). Nothing was saved: please shorten or correct it and try again."
)


@dataclass(eq=False)
class UnknownPartner(Refusal):
    """The Slack user (or id) is linked to no partner company."""

    said = '"{who}" belongs to no partner company'
    who: str


class RegistrationNotFound(Refusal):
    """No such registration, or not one this partner may see."""


@dataclass(eq=False)
class OpenOpportunities(Refusal):
    """The customer has more open opportunities than the partner was warned of."""

    said = "{count} open opportunities"
    count: int
    registration: Registration


class JustificationRequired(Refusal):
    """A review request needs the partner's written justification."""


class InvitingNotConfigured(Refusal):
    """INVITE_SECRET is not set: no invitation can be signed or checked."""


@dataclass(eq=False)
class NotInvitable(Refusal):
    """Only a customer pre-registered and still within its validity can be invited."""

    said = "a registration that is {status} cannot be invited"
    status: str


class EmailNotConfigured(Refusal):
    """SMTP_URL is not set: invitations go by link and QR code only."""


class NoEmailOnFile(Refusal):
    """The customer was pre-registered by mobile only: there is no address to write to."""


@dataclass(eq=False)
class EmailLimitReached(Refusal):
    """As many invitation emails in the last day as a customer may receive."""

    said = "{limit} invitation emails sent in the last day"
    limit: int
    next_at: datetime


class InvalidInvitation(Refusal):
    """The token does not verify (tampered, foreign, malformed) or names nothing."""


@dataclass(eq=False)
class InvitationEnded(Refusal):
    """The pre-registration the link belongs to expired, was deleted or ended otherwise."""

    said = "the invitation's pre-registration is {status}"
    status: str


class AlreadyAssociated(Refusal):
    """The customer has associated already (with another identity than the one given)."""


class TooManyAttempts(Refusal):
    """Too many wrong identities on one invitation lately; `retry_at` says when to retry."""

    def __init__(self, retry_at: datetime) -> None:
        super().__init__(f"too many wrong attempts; retry at {retry_at.isoformat()}")
        self.retry_at = retry_at


@dataclass(eq=False)
class WrongIdentity(Refusal):
    """The customer typed another email (or mobile) than the one pre-registered."""

    said = "the {field} is not the one that was pre-registered"
    field: str
    attempts_left: int


@dataclass(eq=False)
class ExtensionNeedsReview(Refusal):
    """The rules, run again, no longer let the customer through at once: no extension."""

    said = "the rules now send this customer to review or block it"
    reasons: tuple[Reason, ...]
    registration: Registration


@dataclass(eq=False)
class ServiceBusy(Refusal):
    """The database did not answer in time (locked, unreachable, full): nothing was saved."""

    said = BUSY
    cause: str = ""


@dataclass(eq=False)
class HomeContended(Refusal):
    """Every publish of the user's App Home lost to a newer one: others are showing the newest
    state, and what this request asked to show (a search, a page) was not shown."""

    said = HOME_CONTENDED
    user_id: str


@dataclass(eq=False)
class ValueNotStorable(Refusal):
    """A value the database cannot hold (too long, a NUL character): nothing was saved."""

    said = NOT_STORABLE
    cause: str = ""
