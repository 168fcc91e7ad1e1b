"""Delivering the outbox: claim due messages, hand each to a sender, record what happened."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.domain.policy import Policy
from bot.services.context import Context
from bot.services.lanes import ROUND_PACE, Pacer, Run, in_turn, lanes
from bot.services.ports import (
    Delivery,
    Kind,
    Notification,
    UnitOfWork,
)
from bot.services.subjects import Subject, subject_of
from bot.tracebacks import traceback_text

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=3)
"""A claimed row a sender never finished is retried after this (or as soon as a process on the
same host sees that its owner died): not lost, at most doubled."""

SEND_BUDGET = timedelta(seconds=90)
"""The longest one send may take (a DM is two Web API calls, each with a 30 s timeout and one
retry of a connection that failed to open). A row is sent only while this much of its lease is
left, so that no row is still being sent when its lease runs out and another may claim it."""

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


@dataclass(frozen=True)
class DeliverDue:
    """Send up to `limit` of what the outbox owes now, claimed in the name of `owner`
    (host:pid:start). `sender` is the way out to Slack and mail, which the composition root
    builds beside Context, not in it. The batch goes out lane by lane (bot.services.lanes):
    `run` may run the lanes side by side, `pacer` holds each conversation to Slack's pace."""

    sender: Sender
    owner: str | None = None
    limit: int = 50
    run: Run = in_turn
    pacer: Pacer | None = None


def deliver_due(cmd: DeliverDue, ctx: Context) -> DeliveryReport:
    """Review cards carry the reviewer's dossier, by the rules of `ctx.policy`."""
    uow, sender, clock, limit, owner = ctx.uow, cmd.sender, ctx.clock, cmd.limit, cmd.owner
    pacer = cmd.pacer
    claimed_at = clock()
    with uow() as claiming:
        claimed = claiming.outbox.claim(claimed_at, LEASE, limit, owner)
        claiming.commit()
    last_start = claimed_at + LEASE - SEND_BUDGET
    reports: list[DeliveryReport] = []

    def lane_task(lane: list[Delivery]) -> Callable[[], None]:
        report = DeliveryReport()
        reports.append(report)

        def send_lane() -> None:
            paced = 0.0
            for position, delivery in enumerate(lane):
                waited = 0.0 if pacer is None else pacer.wait(delivery, ROUND_PACE - paced)
                if waited is None:  # the rest waits for the next batch, in the same order
                    _unclaim(lane[position:], uow)
                    report.claimed_all = True
                    return
                paced += waited
                if clock() > last_start:
                    # A slow round: hand the rest back, due now, rather than send them late.
                    # (Past the lease they are anyone's: handing back could undo a claim.)
                    if clock() < claimed_at + LEASE:
                        _release(lane[position:], uow, clock)
                    report.claimed_all = True
                    return
                _deliver(delivery, uow, sender, clock, report, ctx.policy)

        return send_lane

    cmd.run([lane_task(lane) for lane in lanes(claimed)])
    return _merged(reports, claimed_all=len(claimed) == limit)


def _unclaim(deliveries: Sequence[Delivery], uow: Callable[[], UnitOfWork]) -> None:
    with uow() as handing_back:
        handing_back.outbox.unclaim([d.id for d in deliveries])
        handing_back.commit()


def _merged(reports: Sequence[DeliveryReport], claimed_all: bool) -> DeliveryReport:
    total = DeliveryReport(claimed_all=claimed_all)
    for report in reports:
        total.sent += report.sent
        total.retried += report.retried
        total.dead += report.dead
        total.skipped += report.skipped
        total.errors.extend(report.errors)
        total.claimed_all = total.claimed_all or report.claimed_all
    return total


def release_orphans(
    uow: Callable[[], UnitOfWork], is_dead: Callable[[str], bool], now: datetime
) -> int:
    """At start: the rows a dead predecessor claimed are due again now, not when its lease
    runs out. (A row it was sending when it died may then go out twice; README, "Delivery".)"""
    with uow() as releasing:
        dead = [owner for owner in releasing.outbox.claim_owners(now) if is_dead(owner)]
        released = sum(releasing.outbox.release(owner, now) for owner in dead)
        releasing.commit()
    if released:
        log.info("released %d outbox rows claimed by %d dead processes", released, len(dead))
    return released


def _release(
    deliveries: Sequence[Delivery], uow: Callable[[], UnitOfWork], clock: Callable[[], datetime]
) -> None:
    with uow() as recording:
        for delivery in deliveries:
            recording.outbox.retry(delivery.id, clock(), "not sent: its lease ran out first")
        recording.commit()


def _deliver(
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
