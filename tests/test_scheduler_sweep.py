"""The jobs in order: expiry exactly at valid_until, and a sweep that leaves its messages in the
outbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.orm import OutboxRow
from bot.bootstrap import Runtime
from bot.cli import main
from bot.domain.model import Customer, Status
from bot.scheduler import JOBS, expire_registrations
from bot.services.queries import GetStanding
from bot.services.queries import standing as standing_of
from bot.services.registrations import ExpireDue, Preregister, expire_due, preregister
from bot.settings import Settings
from tests.conftest import Clock
from tests.scheduler_steps import (
    ACME_USERS,
    DAY,
    REVIEWERS,
    ended,
    hold,
    outbox,
    reminders,
    status_of,
)

TICK = timedelta(microseconds=1)


@pytest.fixture
def settings(database_url: str) -> Settings:
    """As conftest's, with reviewers: the overdue mention names them."""
    return Settings(
        _env_file=None, database_url=database_url, reviewer_user_ids=",".join(REVIEWERS)
    )


def test_expiries_run_before_reminders_and_delivery_last() -> None:
    assert [job.id for job in JOBS] == [
        "expire_due",
        "lapse_questions",
        "lapse_extensions",
        "send_reminders",
        "chase_extensions",
        "prune_request_keys",
        "deliver_outbox",
    ]


@pytest.mark.usefixtures("partners")
def test_expiry_happens_at_valid_until_not_a_microsecond_before(
    runtime: Runtime, clock: Clock
) -> None:
    context = runtime.context
    registration = hold(runtime, "einkauf@kunde.example")
    assert registration.valid_until is not None

    clock.now = registration.valid_until - TICK
    assert expire_due(ExpireDue(), context) == []
    assert status_of(runtime, registration) is Status.PREREGISTERED
    assert standing_of(GetStanding("UACME1"), context).quota.held == 1
    # The customer is still held: another partner is refused.
    taken = preregister(
        Preregister("UBETA1", Customer("Kunde", "DE", email="einkauf@kunde.example")), context
    )
    assert not taken.recorded

    clock.now = registration.valid_until
    assert [r.id for r in expire_due(ExpireDue(), context)] == [registration.id]

    assert status_of(runtime, registration) is Status.EXPIRED
    standing = standing_of(GetStanding("UACME1"), context)
    assert (standing.quota.held, standing.active) == (0, [])
    assert outbox(runtime) == ended(registration)  # one "ended" DM per company user
    # The job finds nothing more: each DM stays single.
    assert [expire_registrations(runtime) for _ in range(3)] == [0, 0, 0]
    assert outbox(runtime) == ended(registration)
    # The customer is free for anyone now.
    freed = preregister(
        Preregister("UBETA1", Customer("Kunde", "DE", email="einkauf@kunde.example")), context
    )
    assert freed.recorded and freed.registration is not None
    assert freed.registration.partner_id == "beta"


@pytest.mark.usefixtures("partners", "cli_env")
def test_sweep_expires_reminds_and_leaves_the_messages_in_the_outbox_without_slack(
    runtime: Runtime, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    # `prereg sweep` runs on the real clock: seed relative to it.
    now = datetime.now(UTC)
    clock.now = now - 15 * DAY - timedelta(minutes=5)
    past = hold(runtime, "vorbei@kunde.example")
    clock.now = now - 14 * DAY - timedelta(minutes=5)  # its 1-day mark passed 5 minutes ago
    ending = hold(runtime, "bald@kunde.example")
    clock.now = now - DAY
    fresh = hold(runtime, "neu@kunde.example")

    assert main(["sweep"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "expire_due: 1",
        "lapse_questions: 0",
        "lapse_extensions: 0",
        "send_reminders: 1",
        "chase_extensions: 0",
        "prune_request_keys: 0",
        "deliver_outbox: not sending: SLACK_BOT_TOKEN and REVIEW_CHANNEL_ID are needed;"
        " messages wait",
    ]

    assert [status_of(runtime, r) for r in (past, ending, fresh)] == [
        Status.EXPIRED,
        Status.PREREGISTERED,
        Status.PREREGISTERED,
    ]
    waiting = ended(past) + [
        ("expiry_reminder", user, ending.id, {"offset_seconds": 86400}) for user in ACME_USERS
    ]
    assert outbox(runtime) == waiting
    with Session(runtime.engine) as session:
        states = {(r.status, r.attempts) for r in session.scalars(select(OutboxRow))}
    assert states == {("pending", 0)}  # nobody to send them: they wait, untouched

    assert main(["sweep"]) == 0
    assert capsys.readouterr().out.splitlines()[:5] == [
        "expire_due: 0",
        "lapse_questions: 0",
        "lapse_extensions: 0",
        "send_reminders: 0",
        "chase_extensions: 0",
    ]
    assert outbox(runtime) == waiting
    assert sorted(reminders(runtime)) == [
        (ending.id, "expiry", 1, True),
        (ending.id, "expiry", 3, False),
    ]
