"""Extensions through review: once the partner has taken the extensions it may take itself,
it may still ask a reviewer for one more, with a justification.

The request is a record of its own (one pending per registration, held so by the database);
the registration keeps the id of its pending request so that every row, reminder and App Home
says "requested" instead of offering the button again. While a request waits the customer stays
held until its current valid_until, no longer: a reservation that ends first takes its request
with it (the request lapses, and the partner is told).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.calendar import WorkingCalendar
from bot.domain.errors import DomainError, ExtensionNotOpen, TransitionNotAllowed
from bot.domain.events import ExtensionDecided, ExtensionRequested
from bot.domain.model import Registration, Status
from bot.domain.policy import Policy


class ExtensionStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    LAPSED = "lapsed"  # the reservation ended before anyone decided


class SelfExtensionLeft(DomainError):
    """The partner may still extend it itself: no reviewer is needed for this one."""


@dataclass(eq=False)
class ExtensionRequestPending(DomainError):
    """A request for this registration already waits for a reviewer: one at a time."""

    said = "an extension request is already waiting for a reviewer"
    request: ExtensionRequest | None = None


@dataclass(eq=False)
class ExtensionRequestDecided(DomainError):
    """Decided already (or lapsed): the second click learns who decided and how."""

    said = "the extension request is {request.status.value} already"
    request: ExtensionRequest


@dataclass
class ExtensionRequest:
    registration_id: int
    partner_id: str
    requested_by: str
    justification: str
    requested_at: datetime
    valid_until: datetime
    """The reservation's end when it was asked."""
    extensions: int
    """Extensions the partner had taken itself by then."""
    review_due: datetime
    status: ExtensionStatus = ExtensionStatus.PENDING
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_note: str | None = None
    id: int | None = None

    @property
    def pending(self) -> bool:
        return self.status is ExtensionStatus.PENDING


def needs_review(registration: Registration, policy: Policy) -> bool:
    """Whether the next extension is a request to the reviewers rather than taken at once."""
    return registration.extensions >= policy.extensions


def may_request(registration: Registration, now: datetime, policy: Policy) -> bool:
    try:
        check_request(registration, now, policy)
    except DomainError:
        return False
    return True


def check_request(registration: Registration, now: datetime, policy: Policy) -> None:
    """Only a live reservation, its own extensions used, inside the same window as Extend,
    and none waiting already."""
    if registration.status is not Status.PREREGISTERED or not registration.is_active(now):
        status = Status.EXPIRED if registration.is_due_to_expire(now) else registration.status
        raise TransitionNotAllowed("request an extension for", status, registration)
    if registration.extension_request is not None:
        raise ExtensionRequestPending()
    if not needs_review(registration, policy):
        raise SelfExtensionLeft()
    opens = registration.extension_opens(policy)
    if opens is None or now < opens or policy.extension_window.total_seconds() <= 0:
        raise ExtensionNotOpen(opens, registration)


def request(
    registration: Registration,
    user: str,
    justification: str,
    now: datetime,
    policy: Policy,
    calendar: WorkingCalendar,
) -> ExtensionRequest:
    """The request, not stored yet: `requested` marks the registration once it has an id."""
    check_request(registration, now, policy)
    assert registration.id is not None and registration.valid_until is not None
    due = calendar.add_working_days(now, policy.review_sla_days)
    return ExtensionRequest(
        registration.id,
        registration.partner_id,
        user,
        justification,
        now,
        registration.valid_until,
        registration.extensions,
        due,
    )


def requested(registration: Registration, asked: ExtensionRequest) -> None:
    assert asked.id is not None
    registration.extension_request = asked.id
    registration.note(ExtensionRequested(asked.requested_at, asked.id))


def approve(
    asked: ExtensionRequest,
    registration: Registration,
    reviewer: str,
    now: datetime,
    policy: Policy,
) -> None:
    """The validity is added to the reservation's current end."""
    _decidable(asked, registration, now)
    assert registration.valid_until is not None
    registration.valid_until += policy.validity
    _decided(asked, registration, ExtensionStatus.APPROVED, reviewer, now, None)


def reject(
    asked: ExtensionRequest, registration: Registration, reviewer: str, reason: str, now: datetime
) -> None:
    _decidable(asked, registration, now)
    _decided(asked, registration, ExtensionStatus.REJECTED, reviewer, now, reason)


def has_lapsed(asked: ExtensionRequest, registration: Registration, now: datetime) -> bool:
    """The reservation it was for has ended (expired, deleted, associated) while it waited."""
    return asked.pending and not (
        registration.status is Status.PREREGISTERED and registration.is_active(now)
    )


def lapse(asked: ExtensionRequest, registration: Registration, now: datetime) -> None:
    if not has_lapsed(asked, registration, now):
        raise TransitionNotAllowed("lapse", registration.status, registration)
    _decided(asked, registration, ExtensionStatus.LAPSED, None, now, None)


def _decidable(asked: ExtensionRequest, registration: Registration, now: datetime) -> None:
    if not asked.pending:
        raise ExtensionRequestDecided(asked)
    if has_lapsed(asked, registration, now):
        raise TransitionNotAllowed("extend", registration.status, registration)


def _decided(
    asked: ExtensionRequest,
    registration: Registration,
    status: ExtensionStatus,
    reviewer: str | None,
    now: datetime,
    note: str | None,
) -> None:
    asked.status = status
    asked.decided_by, asked.decided_at, asked.decision_note = reviewer, now, note
    if registration.extension_request == asked.id:
        registration.extension_request = None
    assert asked.id is not None
    registration.note(ExtensionDecided(now, asked.id, status.value))
