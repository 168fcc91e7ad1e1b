"""Delivering the outbox: claim due messages, hand each to a sender, record what happened
(bot.services.delivery_outcome). A round at a time here (a command, a periodic job); the
server delivers continuously (bot.services.dispatch)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.services.context import Context
from bot.services.delivery_outcome import (
    MAX_ATTEMPTS,
    MAX_BACKOFF,
    DeliveryReport,
    Obsolete,
    RetryLater,
    Sender,
    Undeliverable,
    backoff,
    deliver_one,
    hand_back,
)
from bot.services.lanes import ROUND_PACE, Pacer, Run, in_turn, lanes
from bot.services.ports import Delivery, UnitOfWork

__all__ = [
    "LEASE",
    "MAX_ATTEMPTS",
    "MAX_BACKOFF",
    "SEND_BUDGET",
    "DeliverDue",
    "DeliveryReport",
    "Obsolete",
    "RetryLater",
    "Sender",
    "Undeliverable",
    "backoff",
    "deliver_due",
    "release_orphans",
]

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=3)
"""A claimed row a sender never finished is retried after this (or as soon as a process on the
same host sees that its owner died): not lost, at most doubled."""

SEND_BUDGET = timedelta(seconds=90)
"""The longest one send may take (a DM is two Web API calls, each with a 30 s timeout and one
retry of a connection that failed to open). A row is sent only while this much of its lease is
left, so that no row is still being sent when its lease runs out and another may claim it."""


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
    in_order: bool = False
    """Claim with `Outbox.claim_in_order`, beside a continuous dispatcher
    (bot.services.dispatch): leave the lanes it has in flight alone, so that order holds."""


def deliver_due(cmd: DeliverDue, ctx: Context) -> DeliveryReport:
    """Review cards carry the reviewer's dossier, by the rules of `ctx.policy`."""
    uow, sender, clock, limit, owner = ctx.uow, cmd.sender, ctx.clock, cmd.limit, cmd.owner
    pacer = cmd.pacer
    claimed_at = clock()
    with uow() as claiming:
        claim = claiming.outbox.claim_in_order if cmd.in_order else claiming.outbox.claim
        claimed = claim(claimed_at, LEASE, limit, owner)
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
                        hand_back(lane[position:], uow, clock)
                    report.claimed_all = True
                    return
                deliver_one(delivery, uow, sender, clock, report, ctx.policy)

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
