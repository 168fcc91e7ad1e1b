"""When to remind: before a pre-registration expires, and while a review waits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.calendar import WorkingCalendar
from bot.domain.model import Registration, Status


class Nudge(StrEnum):
    EXPIRY = "expiry"  # to the partner, at each configured offset before valid_until
    REVIEW_HALFWAY = "review_halfway"  # to the reviewers, half the answer time gone
    REVIEW_OVERDUE = "review_overdue"  # to the reviewers, mentioned, at the deadline
    QUESTION = "question"  # to the partner, once, while a reviewer's question waits
    EXTENSION_HALFWAY = "extension_halfway"  # an extension request, in its card's thread
    EXTENSION_OVERDUE = "extension_overdue"


@dataclass(frozen=True)
class Checkpoint:
    nudge: Nudge
    at: datetime
    offset: timedelta = timedelta()
    """For expiry reminders, how long before valid_until; it tells them apart."""


@dataclass(frozen=True)
class Due:
    passed: tuple[Checkpoint, ...]
    """Every checkpoint whose moment has come: each is recorded once, sent or not."""
    send: Checkpoint | None
    """Only the latest one is sent: after downtime an earlier reminder would be stale."""


def checkpoints(
    registration: Registration, offsets: Sequence[timedelta], calendar: WorkingCalendar
) -> tuple[Checkpoint, ...]:
    if registration.status is Status.PREREGISTERED and registration.valid_until is not None:
        end = registration.valid_until
        return tuple(Checkpoint(Nudge.EXPIRY, end - offset, offset) for offset in offsets)
    if registration.status is Status.PENDING_REVIEW and registration.question is not None:
        # The reviewers' clock is paused: only the partner is chased.
        return (Checkpoint(Nudge.QUESTION, registration.question.remind_at),)
    if registration.status is Status.PENDING_REVIEW and registration.review_due is not None:
        start, due = registration.created_at, registration.review_due
        return (
            Checkpoint(Nudge.REVIEW_HALFWAY, calendar.halfway(start, due)),
            Checkpoint(Nudge.REVIEW_OVERDUE, due),
        )
    return ()


def due(
    registration: Registration,
    offsets: Sequence[timedelta],
    calendar: WorkingCalendar,
    now: datetime,
) -> Due:
    """What is due now; nothing for a registration that is no longer active."""
    if not registration.is_active(now):
        return Due((), None)
    passed = tuple(c for c in checkpoints(registration, offsets, calendar) if c.at <= now)
    return Due(passed, max(passed, key=lambda c: c.at, default=None))
