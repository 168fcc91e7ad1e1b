"""What the reminder tests share: the calendar and clock steps, a partner's users and the reminders
sent."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.orm import OutboxRow, ReminderRow
from bot.bootstrap import Runtime
from bot.services.context import Context
from bot.services.partners import AddPartner, add_partner
from bot.services.reminders import SendReminders, send_reminders

DAY = timedelta(days=1)
TICK = timedelta(microseconds=1)
WEDNESDAY = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
REVIEWERS = ("UREV1", "UREV2")
ACME_USERS = ("UACME1", "UACME2")


@pytest.fixture
def acme(context: Context) -> None:
    add_partner(
        AddPartner("acme", "Acme", "DE", email="sales@acme.example", slack_user_ids=ACME_USERS),
        context,
    )


def remind(context: Context) -> int:
    return send_reminders(
        SendReminders(), replace(context, policy=context.policy, reviewers=frozenset(REVIEWERS))
    )


def reminder_rows(runtime: Runtime) -> list[tuple[str, int, bool]]:
    """(nudge, offset in days, sent) of every checkpoint recorded, in order."""
    with Session(runtime.engine) as session:
        rows = session.scalars(select(ReminderRow).order_by(ReminderRow.id))
        return [(r.nudge, r.offset_seconds // 86400, r.sent) for r in rows]


def outbox_rows(runtime: Runtime, *kinds: str) -> list[OutboxRow]:
    """The outbox rows of these kinds, in order (if none given: all but the pre-registration
    DMs and the refreshes of App Home and of DMs already sent)."""
    with Session(runtime.engine) as session:
        query = select(OutboxRow).order_by(OutboxRow.id)
        if kinds:
            query = query.where(OutboxRow.kind.in_(kinds))
        else:
            query = query.where(
                OutboxRow.kind.not_in(["preregistered", "home_refresh", "messages_refresh"])
            )
        return list(session.scalars(query))


def messages(runtime: Runtime, *kinds: str) -> list[tuple[str, str, dict[str, object]]]:
    """(kind, recipient, payload) of the outbox rows of these kinds (see outbox_rows)."""
    return [(r.kind, r.recipient, dict(r.payload)) for r in outbox_rows(runtime, *kinds)]
