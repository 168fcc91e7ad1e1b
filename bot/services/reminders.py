"""Reminders: partners before their pre-registrations expire, reviewers while a request waits."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from bot.domain.calendar import WorkingCalendar
from bot.domain.model import Registration
from bot.domain.policy import Policy
from bot.domain.reminders import Checkpoint, Nudge, due
from bot.services.ports import REVIEWERS, Kind, Notification, UnitOfWork

KINDS = {
    Nudge.EXPIRY: Kind.EXPIRY_REMINDER,
    Nudge.REVIEW_HALFWAY: Kind.REVIEW_HALFWAY,
    Nudge.REVIEW_OVERDUE: Kind.REVIEW_OVERDUE,
}


def send_reminders(
    uow: UnitOfWork,
    policy: Policy,
    calendar: WorkingCalendar,
    reviewers: Collection[str],
    now: datetime,
) -> int:
    """Each checkpoint is claimed once in the database, so replicas never send it twice.

    After downtime only the latest checkpoint reached is sent; earlier ones are recorded
    unsent, and nothing is sent for a registration that already ended.
    """
    # An offset as long as the validity would fall before the reservation began: a "reminder"
    # right after pre-registering (PREREG_VALIDITY=36h with the default 3d,1d) says nothing.
    offsets = tuple(offset for offset in policy.reminders if offset < policy.validity)
    horizon = max(offsets, default=timedelta())
    sent = 0
    with uow:
        for registration in uow.registrations.awaiting_checkpoints(now, horizon):
            assert registration.id is not None
            reached = due(registration, offsets, calendar, now)
            done = uow.reminders.recorded(registration.id)
            for checkpoint in reached.passed:
                if (checkpoint.nudge, checkpoint.at) in done:
                    continue
                send = checkpoint == reached.send
                claimed = uow.reminders.record(registration.id, checkpoint, send, now)
                if claimed and send:
                    _notify(uow, registration, checkpoint, reviewers, now)
                    sent += 1
        uow.commit()
    return sent


def _notify(
    uow: UnitOfWork,
    registration: Registration,
    checkpoint: Checkpoint,
    reviewers: Collection[str],
    now: datetime,
) -> None:
    kind = KINDS[checkpoint.nudge]
    if checkpoint.nudge is Nudge.EXPIRY:
        partner = uow.partners.get(registration.partner_id)
        for user_id in partner.slack_user_ids if partner else ():
            offset = {"offset_seconds": int(checkpoint.offset.total_seconds())}
            uow.outbox.add(Notification(kind, user_id, registration.id, offset), now)
        return
    payload: dict[str, object] = {}
    if checkpoint.nudge is Nudge.REVIEW_OVERDUE:
        # Only those who may decide it: not the requesting company's own people.
        partner = uow.partners.get(registration.partner_id)
        own = set(partner.slack_user_ids) if partner else set()
        payload["reviewers"] = sorted(set(reviewers) - own)
    uow.outbox.add(Notification(kind, REVIEWERS, registration.id, payload), now)
