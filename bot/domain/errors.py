"""Named refusals: raised by the core and the use cases, turned into words at each edge.

Every refusal is a `Refusal`; the rules of the domain itself are `DomainError`s. Each edge
(Slack, web, command line) maps them to answers in one table.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.domain.policy import QuotaUse


class Refusal(Exception):
    """Base of everything a use case refuses to do; nothing was changed."""


class DomainError(Refusal):
    """A rule of the domain said no."""


class TransitionNotAllowed(DomainError):
    def __init__(self, action: str, status: str, registration: Any = None) -> None:
        super().__init__(f"cannot {action} a registration that is {status}")
        self.action = action
        self.status = status
        self.registration = registration
        """The registration as it stands now, so that the answer can tell the current truth."""


class IdentityMismatch(DomainError):
    """The customer confirmed another email (or mobile) than the one pre-registered."""

    def __init__(self, field: str = "email") -> None:
        super().__init__(f"the {field} is not the one that was pre-registered")
        self.field = field


class EmailMismatch(IdentityMismatch):
    def __init__(self) -> None:
        super().__init__("email")


class NoContactOnFile(DomainError):
    def __init__(self) -> None:
        super().__init__("the partner company has neither a mobile number nor an email on file")


class QuotaReached(DomainError):
    """The company holds as many active registrations as the quota allows."""

    def __init__(self, use: QuotaUse) -> None:
        super().__init__(f"quota reached: {use.held} of {use.quota} active registrations held")
        self.use = use

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


class ExtensionsUsedUp(DomainError):
    """The partner has taken every extension the policy allows; more only through a review."""

    def __init__(self, limit: int, registration: Any = None) -> None:
        super().__init__(f"no extensions left: at most {limit} per registration")
        self.limit = limit
        self.registration = registration


class AlreadyExtended(DomainError):
    """The button was for an earlier state: someone extended it since (a double click, or a
    colleague's copy of the same reminder). Nothing more is taken."""

    def __init__(self, registration: Any = None) -> None:
        super().__init__("already extended since this button was shown")
        self.registration = registration


class ExtensionNotOpen(DomainError):
    """Too early: extensions open only in the first reminder's window before the end."""

    def __init__(self, opens_at: datetime | None, registration: Any = None) -> None:
        super().__init__("an extension is possible only shortly before the end")
        self.opens_at = opens_at
        self.registration = registration
