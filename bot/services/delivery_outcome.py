"""One claimed message handed to the sender, and what happened recorded: sent, retried with
backoff, skipped as obsolete, or a dead letter."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.domain.policy import Policy
from bot.services.ports import Delivery, Kind, Notification, UnitOfWork
from bot.services.subjects import Subject, subject_of
from bot.tracebacks import traceback_text

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(minutes=30)
MAX_ATTEMPTS = 15
"""About a day of backing off; then the message is a dead letter an operator can retry."""


class RetryLater(Exception):
    """A transient failure (rate limit, 5xx, network): try again after `after`, if given."""

    def __init__(self, error: str, after: timedelta | None = None) -> None:
        super().__init__(error)
        self.after = after


class Obsolete(Exception):
    """The message no longer applies (its review was decided, its customer deleted): skip it."""


class Undeliverable(Exception):
    """A permanent failure (channel_not_found, invalid_auth…): into the dead letters."""


class Sender(Protocol):
    def send(self, delivery: Delivery, subject: Subject) -> dict[str, Any]:
        """Deliver; return where it landed. Raise RetryLater, Undeliverable or Obsolete."""
        ...


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    claimed_all: bool = False
    """As many rows were due as one round takes: there may be more waiting."""


def backoff(attempts: int, jitter: Callable[[], float] = random.random) -> timedelta:
    """Exponential with jitter: 2 s, 4 s, 8 s… up to half an hour, each ±50 %."""
    base = min(timedelta(seconds=2 ** min(attempts, 20)), MAX_BACKOFF)
    return base * (0.5 + jitter())


def hand_back(
    deliveries: Sequence[Delivery], uow: Callable[[], UnitOfWork], clock: Callable[[], datetime]
) -> None:
    """Claimed rows not sent in time for their lease: due again now, for any claimer."""
    with uow() as recording:
        for delivery in deliveries:
            recording.outbox.retry(delivery.id, clock(), "not sent: its lease ran out first")
        recording.commit()


def deliver_one(
    delivery: Delivery,
    uow: Callable[[], UnitOfWork],
    sender: Sender,
    clock: Callable[[], datetime],
    report: DeliveryReport,
    policy: Policy,
) -> None:
    try:
        result = sender.send(delivery, subject_of(delivery, uow, clock(), policy))
    except RetryLater as failure:
        _retry(delivery, uow, clock, report, str(failure), failure.after)
    except Obsolete as moot:
        with uow() as recording:
            recording.outbox.skipped(delivery.id, clock(), str(moot))
            recording.commit()
        report.skipped += 1
    except Undeliverable as failure:
        _give_up(delivery, uow, clock, str(failure))
        report.dead += 1
        report.errors.append(f"{delivery.id}: {failure}")
    except Exception as bug:
        # Not a failure the sender knows about (a rendering or database bug): this row is
        # retried with backoff like any transient failure, and the rest of the batch goes on.
        log.error(
            "outbox row %s: unexpected error while sending\n%s", delivery.id, traceback_text(bug)
        )
        _retry(delivery, uow, clock, report, f"{type(bug).__name__}: {bug}", None)
    else:
        with uow() as recording:
            recording.outbox.sent(delivery.id, clock(), result)
            _follow_up(recording, delivery, "sent", clock(), None)
            recording.commit()
        report.sent += 1


def _retry(
    delivery: Delivery,
    uow: Callable[[], UnitOfWork],
    clock: Callable[[], datetime],
    report: DeliveryReport,
    error: str,
    after: timedelta | None,
) -> None:
    if delivery.attempts >= MAX_ATTEMPTS:
        _give_up(delivery, uow, clock, f"gave up after {delivery.attempts} attempts: {error}")
        report.dead += 1
    else:
        wait = after if after is not None else backoff(delivery.attempts)
        with uow() as recording:
            recording.outbox.retry(delivery.id, clock() + wait, error)
            recording.commit()
        report.retried += 1
    report.errors.append(f"{delivery.id}: {error}")


def _give_up(
    delivery: Delivery, uow: Callable[[], UnitOfWork], clock: Callable[[], datetime], error: str
) -> None:
    with uow() as recording:
        recording.outbox.dead(delivery.id, clock(), error)
        _follow_up(recording, delivery, "dead", clock(), error)
        recording.commit()


def _follow_up(
    recording: UnitOfWork, delivery: Delivery, outcome: str, now: datetime, error: str | None
) -> None:
    """A notification may ask for another once it is sent or dead (e.g. the partner hears
    whether an invitation email went out): added in the same transaction as the outcome."""
    then = delivery.notification.payload.get("then") or {}
    follow = then.get(outcome)
    if not isinstance(follow, dict):
        return
    notification = delivery.notification
    recording.outbox.add(
        Notification(
            Kind(follow["kind"]),
            str(follow["recipient"]),
            notification.registration_id,
            {"of": delivery.id, "error": error},
        ),
        now,
    )
