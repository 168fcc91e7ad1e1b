"""Reminders: partners before their pre-registrations expire, reviewers while a request waits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.domain import events
from bot.domain.model import Registration
from bot.domain.reminders import Checkpoint, Nudge, due
from bot.services.context import Context
from bot.services.ports import UnitOfWork


@dataclass(frozen=True)
class SendReminders:
    pass


def send_reminders(cmd: SendReminders, ctx: Context) -> int:
    """Each checkpoint is claimed once in the database, so replicas never send it twice.

    After downtime only the latest checkpoint reached is sent; earlier ones are recorded
    unsent, and nothing is sent for a registration that already ended.
    """
    policy, now = ctx.policy, ctx.now()
    # An offset as long as the validity would fall before the reservation began: a "reminder"
    # right after pre-registering (PREREG_VALIDITY=36h with the default 3d,1d) says nothing.
    offsets = tuple(offset for offset in policy.reminders if offset < policy.validity)
    horizon = max(offsets, default=timedelta())
    sent = 0
    with ctx.uow() as uow:
        for registration in uow.registrations.awaiting_checkpoints(now, horizon):
            assert registration.id is not None
            reached = due(registration, offsets, ctx.calendar, now)
            done = uow.reminders.recorded(registration.id)
            for checkpoint in reached.passed:
                if (checkpoint.nudge, checkpoint.at) in done:
                    continue
                send = checkpoint == reached.send
                claimed = uow.reminders.record(registration.id, checkpoint, send, now)
                if claimed and send:
                    registration.note(_reached(uow, registration, checkpoint, ctx))
                    uow.registrations.touched(registration)
                    sent += 1
        uow.commit()
    return sent


def _reached(
    uow: UnitOfWork, registration: Registration, checkpoint: Checkpoint, ctx: Context
) -> events.Event:
    now = ctx.now()
    if checkpoint.nudge is Nudge.EXPIRY:
        return events.ExpiryNear(now, checkpoint.offset)
    if checkpoint.nudge is Nudge.REVIEW_HALFWAY:
        return events.ReviewHalfway(now)
    # Only those who may decide it: not the requesting company's own people.
    partner = uow.partners.get(registration.partner_id)
    own = set(partner.slack_user_ids) if partner else set()
    return events.ReviewOverdue(now, tuple(sorted(ctx.reviewers - own)))
