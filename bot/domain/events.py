"""What happened to a registration: recorded by its transitions, turned into messages at commit.

The unit of work pops each registration's events after the use case and writes the
messages they call for (bot/services/messages.py) to the outbox in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Event:
    at: datetime


@dataclass(frozen=True)
class Preregistered(Event):
    """Reserved at once: the rules let it through."""


@dataclass(frozen=True)
class ReviewRequested(Event):
    pass


@dataclass(frozen=True)
class Approved(Event):
    reviewer: str


@dataclass(frozen=True)
class Rejected(Event):
    reviewer: str
    reason: str


@dataclass(frozen=True)
class Extended(Event):
    """The partner took an extension: valid_until moved to `until`."""

    until: datetime


@dataclass(frozen=True)
class InfoRequested(Event):
    """A reviewer asked the partner a question; the review's clock pauses."""

    reviewer: str
    question: str


@dataclass(frozen=True)
class InfoGiven(Event):
    """The partner answered; the clock resumes."""

    user: str
    question: str
    answer: str


@dataclass(frozen=True)
class InfoReminder(Event):
    """The question is still unanswered: the partner is reminded once."""


@dataclass(frozen=True)
class ExtensionRequested(Event):
    """The partner asked the reviewers for one more extension (bot/domain/extension_requests)."""

    request_id: int


@dataclass(frozen=True)
class ExtensionDecided(Event):
    """Approved, rejected, or lapsed because the reservation ended first."""

    request_id: int
    outcome: str


@dataclass(frozen=True)
class ExtensionChased(Event):
    """An extension request still waits: halfway to its deadline, or past it."""

    request_id: int
    overdue: bool = False
    may_decide: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Deleted(Event):
    pass


@dataclass(frozen=True)
class Expired(Event):
    pass


@dataclass(frozen=True)
class Associated(Event):
    pass


@dataclass(frozen=True)
class QrCodeRequested(Event):
    """A partner user asked for its invitation link as a QR code, to be sent to its DM."""

    user: str
    link: str


@dataclass(frozen=True)
class InvitationEmailed(Event):
    """A partner user had the invitation (its own link) emailed to the customer."""

    user: str
    link: str


@dataclass(frozen=True)
class ExpiryNear(Event):
    """A reminder offset before valid_until was reached."""

    offset: timedelta


@dataclass(frozen=True)
class ReviewHalfway(Event):
    pass


@dataclass(frozen=True)
class ReviewOverdue(Event):
    may_decide: tuple[str, ...] = field(default=())
    """The reviewers who may decide it: never the requesting company's own people."""


@dataclass(frozen=True)
class OpportunityChanged(Event):
    """An opportunity of the customer was created or moved to another stage."""


@dataclass(frozen=True)
class UserLinked(Event):
    """An operator linked a Slack user to the partner company: its App Home changes."""

    user: str


@dataclass(frozen=True)
class UserUnlinked(Event):
    """An operator unlinked a Slack user from the partner company."""

    user: str


@dataclass(frozen=True)
class CompanyUpdated(Event):
    """An operator changed the company's name, country or contact: its people's Home shows it."""
