"""Reminders: partners before their pre-registrations expire, reviewers while a request waits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from bot.domain import events
from bot.domain.model import Registration
from bot.domain.reminders import Checkpoint, Nudge, due
from bot.services.commands import Command
from bot.services.context import Context
from bot.services.ports import UnitOfWork


class SendReminders(Command):
    batch: int = 500


def send_reminders(cmd: SendReminders, ctx: Context) -> int:
    """Each checkpoint is claimed once in the database, so replicas never send it twice.

    After downtime only the latest checkpoint reached is sent; earlier ones are recorded
    unsent, and nothing is sent for a registration that already ended. Registrations are
    taken a batch at a time, each batch in one short transaction of a few statements.
    """
    policy, now = ctx.policy, ctx.now()
    # An offset as long as the validity would fall before the reservation began: a "reminder"
    # right after pre-registering (PREREG_VALIDITY=36h with the default 3d,1d) says nothing.
    offsets = tuple(offset for offset in policy.reminders if offset < policy.validity)
    horizon = max(offsets, default=timedelta())
    sent, after = 0, 0
    while True:
        with ctx.uow() as uow:
            waiting = uow.registrations.awaiting_checkpoints(now, horizon, after, cmd.batch)
            sent += _remind(uow, waiting, offsets, ctx)
            uow.commit()
        if len(waiting) < cmd.batch:
            return sent
        after = waiting[-1].id or 0


def _remind(
    uow: UnitOfWork, waiting: Sequence[Registration], offsets: tuple[timedelta, ...], ctx: Context
) -> int:
    now = ctx.now()
    done = uow.reminders.recorded_many([r.id for r in waiting if r.id is not None])
    # A question moves the deadline, and so the halfway mark: the reviewers hear it once.
    halfway_told = {i for i, nudge, _ in done if nudge == Nudge.REVIEW_HALFWAY}
    claims: list[tuple[int, Checkpoint, bool]] = []
    for registration in waiting:
        assert registration.id is not None
        reached = due(registration, offsets, ctx.calendar, now)
        for checkpoint in reached.passed:
            if checkpoint.nudge is Nudge.REVIEW_HALFWAY and registration.id in halfway_told:
                continue
            if (registration.id, checkpoint.nudge, checkpoint.at) not in done:
                claims.append((registration.id, checkpoint, checkpoint == reached.send))
    won = uow.reminders.record_many(claims, now)
    by_id = {r.id: r for r in waiting}
    sent = 0
    for registration_id, checkpoint, send in claims:
        if send and (registration_id, checkpoint.nudge, checkpoint.at) in won:
            registration = by_id[registration_id]
            registration.note(_reached(uow, registration, checkpoint, ctx))
            uow.registrations.touched(registration)
            sent += 1
    return sent


def _reached(
    uow: UnitOfWork, registration: Registration, checkpoint: Checkpoint, ctx: Context
) -> events.Event:
    now = ctx.now()
    if checkpoint.nudge is Nudge.EXPIRY:
        return events.ExpiryNear(now, checkpoint.offset)
    if checkpoint.nudge is Nudge.REVIEW_HALFWAY:
        return events.ReviewHalfway(now)
    if checkpoint.nudge is Nudge.QUESTION:
        return events.InfoReminder(now)
    # Only those who may decide it: not the requesting company's own people.
    partner = uow.partners.get(registration.partner_id)
    own = set(partner.slack_user_ids) if partner else set()
    return events.ReviewOverdue(now, tuple(sorted(ctx.reviewers - own)))
