"""Named domain errors: raised by the core, turned into words at the edge."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.domain.policy import QuotaUse


class DomainError(Exception):
    """Base of every rule the domain refuses to break."""


class TransitionNotAllowed(DomainError):
    def __init__(self, action: str, status: str) -> None:
        super().__init__(f"cannot {action} a registration that is {status}")
        self.action = action
        self.status = status


class EmailMismatch(DomainError):
    def __init__(self) -> None:
        super().__init__("the email is not the one that was pre-registered")


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
