"""Named domain errors: raised by the core, turned into words at the edge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


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


@dataclass
class QuotaReached(DomainError):
    held: int
    quota: int
    next_expiry: datetime | None

    def __str__(self) -> str:
        return f"quota reached: {self.held} of {self.quota} active registrations held"
