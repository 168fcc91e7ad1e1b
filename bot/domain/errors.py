"""Named refusals: raised by the core and the use cases, turned into words at each edge.

Every refusal is a `Refusal`; the rules of the domain itself are `DomainError`s. Each edge
(Slack, web, command line) maps them to answers in one table.

Most refusals are declared as a dataclass: its fields are what the answer may tell, and
`said` the line its `str()` gives (for logs and the command line), filled from the fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from bot.domain.policy import QuotaUse


class Refusal(Exception):
    """Base of everything a use case refuses to do; nothing was changed."""

    said: ClassVar[str] = ""
    """The refusal in a line, `str.format`ted with its fields; empty: the arguments as given."""

    def __str__(self) -> str:
        if self.said:
            return self.said.format_map(vars(self))
        return super().__str__()


class DomainError(Refusal):
    """A rule of the domain said no."""


@dataclass(eq=False)
class TransitionNotAllowed(DomainError):
    said = "cannot {action} a registration that is {status}"

    action: str
    status: str
    registration: Any = None
    """The registration as it stands now, so that the answer can tell the current truth."""


@dataclass(eq=False)
class IdentityMismatch(DomainError):
    """The customer confirmed another email (or mobile) than the one pre-registered."""

    said = "the {field} is not the one that was pre-registered"

    field: str = "email"


@dataclass(eq=False)
class EmailMismatch(IdentityMismatch):
    pass


@dataclass(eq=False)
class NoContactOnFile(DomainError):
    said = "the partner company has neither a mobile number nor an email on file"


@dataclass(eq=False)
class QuotaReached(DomainError):
    """The company holds as many active registrations as the quota allows."""

    said = "quota reached: {use.held} of {use.quota} active registrations held"

    use: QuotaUse

    @property
    def held(self) -> int:
        return self.use.held

    @property
    def quota(self) -> int:
        return self.use.quota

    @property
    def next_expiry(self) -> datetime | None:
        return self.use.next_expiry


class UserNotLinked(DomainError):
    """Unlinking a Slack user who is not one of the company's."""

    def __init__(self, user_id: str, partner_id: str, owner: str | None = None) -> None:
        where = f'; it belongs to partner "{owner}"' if owner else ""
        super().__init__(f'Slack user {user_id} is not linked to partner "{partner_id}"{where}')
        self.user_id = user_id
        self.partner_id = partner_id
        self.owner = owner


class NotAReviewer(DomainError):
    """Only the configured reviewers decide."""


class OwnCompanyReview(DomainError):
    """A reviewer who belongs to the requesting company may not decide its request."""


class OpportunityNotAllowed(DomainError):
    """Opportunities only for preregistered or associated customers."""


@dataclass(eq=False)
class ExtensionsUsedUp(DomainError):
    """The partner has taken every extension the policy allows; more only through a review."""

    said = "no extensions left: at most {limit} per registration"

    limit: int
    registration: Any = None


@dataclass(eq=False)
class AlreadyExtended(DomainError):
    """The button was for an earlier state: someone extended it since (a double click, or a
    colleague's copy of the same reminder). Nothing more is taken."""

    said = "already extended since this button was shown"

    registration: Any = None


@dataclass(eq=False)
class ExtensionNotOpen(DomainError):
    """Too early: extensions open only in the first reminder's window before the end."""

    said = "an extension is possible only shortly before the end"

    opens_at: datetime | None
    registration: Any = None
