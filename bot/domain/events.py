"""What happened to a registration: recorded by its transitions, turned into messages at commit.

The unit of work pops each registration's events after the use case and writes the
messages they call for (bot/services/messages.py) to the outbox in the same transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain.frozen import Frozen


class Event(Frozen):
    """Each event is a frozen dataclass (bot.domain.frozen) stamped with when it happened."""

    at: datetime


class Preregistered(Event):
    """Reserved at once: the rules let it through."""


class ReviewRequested(Event):
    pass


class Approved(Event):
    reviewer: str


class Rejected(Event):
    reviewer: str
    reason: str


class Extended(Event):
    """The partner took an extension: valid_until moved to `until`."""

    until: datetime


class InfoRequested(Event):
    """A reviewer asked the partner a question; the review's clock pauses."""

    reviewer: str
    question: str


class InfoGiven(Event):
    """The partner answered; the clock resumes."""

    user: str
    question: str
    answer: str


class InfoReminder(Event):
    """The question is still unanswered: the partner is reminded once."""


class ExtensionRequested(Event):
    """The partner asked the reviewers for one more extension (bot/domain/extension_requests)."""

    request_id: int


class ExtensionDecided(Event):
    """Approved, rejected, or lapsed because the reservation ended first."""

    request_id: int
    outcome: str


class ExtensionChased(Event):
    """An extension request still waits: halfway to its deadline, or past it."""

    request_id: int
    overdue: bool = False
    may_decide: tuple[str, ...] = ()


class Deleted(Event):
    pass


class Expired(Event):
    pass


class Associated(Event):
    pass


class QrCodeRequested(Event):
    """A partner user asked for its invitation link as a QR code, to be sent to its DM."""

    user: str
    link: str


class InvitationEmailed(Event):
    """A partner user had the invitation (its own link) emailed to the customer."""

    user: str
    link: str


class ExpiryNear(Event):
    """A reminder offset before valid_until was reached."""

    offset: timedelta


class ReviewHalfway(Event):
    pass


class ReviewOverdue(Event):
    may_decide: tuple[str, ...] = ()
    """The reviewers who may decide it: never the requesting company's own people."""


class OpportunityChanged(Event):
    """An opportunity of the customer was created or moved to another stage."""


class UserLinked(Event):
    """An operator linked a Slack user to the partner company: its App Home changes."""

    user: str


class UserUnlinked(Event):
    """An operator unlinked a Slack user from the partner company."""

    user: str


class CompanyUpdated(Event):
    """An operator changed the company's name, country or contact: its people's Home shows it."""
