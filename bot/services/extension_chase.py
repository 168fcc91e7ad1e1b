"""Extension requests are chased like review cards: halfway to their working-day deadline, and
at it (the reviewers who may decide are mentioned). Each checkpoint is claimed once in the
database, so replicas never post it twice; after downtime only the latest one is posted."""

from __future__ import annotations

from bot.domain import extension_requests as rules
from bot.domain.events import ExtensionChased
from bot.domain.reminders import Checkpoint, Nudge
from bot.services.commands import Command
from bot.services.context import Context


class ChaseExtensionRequests(Command):
    limit: int = 500


def chase_extension_requests(cmd: ChaseExtensionRequests, ctx: Context) -> int:
    now, sent = ctx.now(), 0
    with ctx.uow() as uow:
        for asked in uow.extension_requests.pending(cmd.limit):
            registration = uow.registrations.get(asked.registration_id)
            if registration is None or registration.id is None:
                continue
            if rules.has_lapsed(asked, registration, now):
                continue  # the lapse job tells everyone instead
            marks = (
                Checkpoint(
                    Nudge.EXTENSION_HALFWAY,
                    ctx.calendar.halfway(asked.requested_at, asked.review_due),
                ),
                Checkpoint(Nudge.EXTENSION_OVERDUE, asked.review_due),
            )
            done = uow.reminders.recorded(registration.id)
            passed = [m for m in marks if m.at <= now and (m.nudge, m.at) not in done]
            if not passed:
                continue
            latest = passed[-1]
            won = False
            for mark in passed:
                claimed = uow.reminders.record(registration.id, mark, mark is latest, now)
                won = claimed if mark is latest else won
            if not won:
                continue  # another replica claimed it
            overdue = latest.nudge is Nudge.EXTENSION_OVERDUE
            partner = uow.partners.get(registration.partner_id)
            own = set(partner.slack_user_ids) if partner else set()
            may_decide = tuple(sorted(ctx.reviewers - own)) if overdue else ()
            assert asked.id is not None
            registration.note(ExtensionChased(now, asked.id, overdue, may_decide))
            uow.registrations.touched(registration)
            sent += 1
        uow.commit()
    return sent
