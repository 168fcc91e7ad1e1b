"""What the scheduler tests share: partners, held registrations, and the outbox and reminders they
leave."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.orm import ReminderRow
from bot.bootstrap import Runtime
from bot.domain.model import Registration, Status
from bot.scheduler import JOBS
from bot.services.partners import AddPartner, add_partner
from bot.services.queries import GetRegistration, get_registration
from tests import seeding
from tests.reminder_steps import outbox_rows

DAY = timedelta(days=1)
REVIEWERS = ("UREV1", "UREV2")
ACME_USERS = ("UACME1", "UACME2")


@pytest.fixture
def partners(runtime: Runtime) -> None:
    context = runtime.context
    for partner in (
        AddPartner("acme", "Acme", "DE", email="sales@acme.example", slack_user_ids=ACME_USERS),
        AddPartner("beta", "Beta", "DE", mobile="+4930999999", slack_user_ids=("UBETA1",)),
    ):
        add_partner(partner, context)


def hold(runtime: Runtime, email: str, partner: str = "acme") -> Registration:
    return seeding.hold(runtime.context, email, {"acme": "UACME1", "beta": "UBETA1"}[partner])


def ask_review(runtime: Runtime, email: str) -> Registration:
    return seeding.ask_review(runtime.context, email)


def outbox(runtime: Runtime, *kinds: str) -> list[tuple[str, str, int | None, dict[str, Any]]]:
    """(kind, recipient, registration, payload) of the rows of these kinds, in order."""
    rows = outbox_rows(runtime, *kinds)
    return [(r.kind, r.recipient, r.registration_id, dict(r.payload)) for r in rows]


def reminders(runtime: Runtime) -> list[tuple[int, str, int, bool]]:
    """(registration, nudge, offset in days, sent) of every checkpoint recorded."""
    with Session(runtime.engine) as session:
        rows = session.scalars(select(ReminderRow).order_by(ReminderRow.id))
        return [(r.registration_id, r.nudge, r.offset_seconds // 86400, r.sent) for r in rows]


def status_of(runtime: Runtime, registration: Registration) -> Status:
    assert registration.id is not None
    return get_registration(GetRegistration(registration.id), runtime.context).status


def ended(registration: Registration) -> list[tuple[str, str, int | None, dict[str, Any]]]:
    return [("expired", user, registration.id, {}) for user in ACME_USERS]


def run_jobs(runtime: Runtime) -> list[object]:
    """What `prereg sweep` and each scheduler tick do: every job, in order."""
    return [job.run(runtime) for job in JOBS]
