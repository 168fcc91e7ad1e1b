"""The periodic jobs: expiry at the boundary, `prereg sweep`, catch-up on start, and two replicas
running the same jobs at the same moment (each reminder and each message exactly once), on SQLite
and PostgreSQL, with a clock the test moves."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.orm import OutboxRow, ReminderRow
from bot.bootstrap import Runtime, build
from bot.cli import main
from bot.domain.model import Customer, Registration, Status
from bot.scheduler import JOBS, Job, build_scheduler, expire_registrations, remind
from bot.services.partners import AddPartner, add_partner
from bot.services.queries import GetRegistration, GetStanding, get_registration
from bot.services.queries import standing as standing_of
from bot.services.registrations import ExpireDue, Preregister, expire_due, preregister
from bot.settings import Settings
from tests import seeding
from tests.conftest import Clock
from tests.test_reminders import outbox_rows
from tests.together import at_once

DAY = timedelta(days=1)
TICK = timedelta(microseconds=1)
REVIEWERS = ("UREV1", "UREV2")
ACME_USERS = ("UACME1", "UACME2")
ROUNDS = 10


@pytest.fixture
def settings(database_url: str) -> Settings:
    """As conftest's, with reviewers: the overdue mention names them."""
    return Settings(
        _env_file=None, database_url=database_url, reviewer_user_ids=",".join(REVIEWERS)
    )


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


# --------------------------------------------------------------------------
# The jobs and their order
# --------------------------------------------------------------------------


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


# --------------------------------------------------------------------------
# Expiry at the boundary
# --------------------------------------------------------------------------


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


# --------------------------------------------------------------------------
# Catch-up: on start every job runs at once
# --------------------------------------------------------------------------


@pytest.mark.usefixtures("partners")
def test_on_start_the_scheduler_catches_up_with_what_fell_due_while_stopped(
    runtime: Runtime, clock: Clock
) -> None:
    past = hold(runtime, "vorbei@kunde.example")
    clock.advance(DAY)
    ending = hold(runtime, "bald@kunde.example")
    request = ask_review(runtime, "achat@kunde.fr")
    assert ending.valid_until is not None and request.review_due is not None
    # Down for two weeks: past's end, ending's 3-day and 1-day marks, the review's halfway
    # and deadline all went by.
    clock.now = ending.valid_until - timedelta(hours=1)

    expected = {"expired": 2, "expiry_reminder": 2, "review_request": 1, "review_overdue": 1}
    scheduler = build_scheduler(runtime)
    scheduler.start()
    try:
        deadline = time.monotonic() + 10
        while Counter(kind for kind, *_ in outbox(runtime)) != expected:
            assert time.monotonic() < deadline, outbox(runtime)
            time.sleep(0.02)
    finally:
        scheduler.shutdown(wait=True)

    assert status_of(runtime, past) is Status.EXPIRED
    assert outbox(runtime, "expired") == ended(past)
    assert outbox(runtime, "expiry_reminder") == [
        ("expiry_reminder", user, ending.id, {"offset_seconds": 86400}) for user in ACME_USERS
    ]
    assert outbox(runtime, "review_halfway", "review_overdue") == [
        ("review_overdue", "reviewers", request.id, {"reviewers": list(REVIEWERS)})
    ]
    assert sorted(reminders(runtime)) == sorted(
        [
            (ending.id, "expiry", 3, False),
            (ending.id, "expiry", 1, True),
            (request.id, "review_halfway", 0, False),
            (request.id, "review_overdue", 0, True),
        ]
    )
    # Ticks after the catch-up find nothing new.
    before = outbox(runtime)
    run_jobs(runtime)
    assert outbox(runtime) == before


def test_a_failing_job_does_not_stop_the_others_and_each_runs_at_start(runtime: Runtime) -> None:
    ran: list[str] = []
    all_ran = threading.Event()

    def job(name: str, fail: bool = False) -> Callable[[Runtime], object]:
        def run(_: Runtime) -> object:
            ran.append(name)
            if len(ran) == 3:
                all_ran.set()
            if fail:
                raise RuntimeError("boom")
            return None

        return run

    jobs = (
        Job("first", timedelta(hours=1), job("first", fail=True)),
        Job("second", timedelta(hours=1), job("second")),
        Job("third", timedelta(hours=1), job("third")),
    )
    scheduler = build_scheduler(runtime, jobs)
    assert {j.id: (j.coalesce, j.max_instances) for j in scheduler.get_jobs()} == {
        j.id: (True, 1) for j in jobs
    }
    scheduler.start()
    try:
        # An hour's interval, yet each runs within moments: at start.
        assert all_ran.wait(10), ran
    finally:
        scheduler.shutdown(wait=True)
    assert sorted(ran) == ["first", "second", "third"]


# --------------------------------------------------------------------------
# Two replicas, the same jobs, the same moment
# --------------------------------------------------------------------------


@pytest.fixture
def replica(settings: Settings, clock: Clock) -> Iterator[Runtime]:
    """A second process on the same database: its own engine, its own units of work."""
    other = build(settings, clock=clock)
    yield other
    other.close()


def each_once(rows: list[Any]) -> None:
    repeated = {row: n for row, n in Counter(map(repr, rows)).items() if n > 1}
    assert not repeated, repeated


@pytest.mark.usefixtures("partners")
def test_two_replicas_reminding_at_the_same_moment_send_each_reminder_once(
    runtime: Runtime, replica: Runtime, clock: Clock
) -> None:
    for round_ in range(ROUNDS):
        held = [hold(runtime, f"kunde{round_}-{i}@kunde.example") for i in range(3)]
        end = held[0].valid_until
        assert end is not None

        for mark, days in ((end - 3 * DAY, 3), (end - DAY, 1)):
            clock.now = mark
            counts = at_once(lambda: remind(runtime), lambda: remind(replica))
            assert sum(counts) == len(held), counts
            for registration in held:
                sent = [
                    (kind, user, payload)
                    for kind, user, of, payload in outbox(runtime, "expiry_reminder")
                    if of == registration.id and payload["offset_seconds"] == days * 86400
                ]
                assert sent == [
                    ("expiry_reminder", user, {"offset_seconds": days * 86400})
                    for user in ACME_USERS
                ]

        clock.now = end
        counts = at_once(
            lambda: expire_registrations(runtime), lambda: expire_registrations(replica)
        )
        assert sum(counts) == len(held), counts
        clock.advance(DAY)

    rows = reminders(runtime)
    assert len(rows) == ROUNDS * 3 * 2
    each_once(rows)
    assert all(sent for *_, sent in rows)
    messages = outbox(runtime, "expiry_reminder", "expired")
    assert len(messages) == ROUNDS * 3 * (2 + 1) * len(ACME_USERS)
    each_once(messages)


@pytest.mark.usefixtures("partners")
def test_two_replicas_running_every_job_at_the_same_moment_chase_each_review_once(
    runtime: Runtime, replica: Runtime, clock: Clock
) -> None:
    for round_ in range(ROUNDS):
        request = ask_review(runtime, f"achat{round_}@kunde.fr")
        registration = hold(runtime, f"kunde{round_}@kunde.example", partner="beta")
        assert request.review_due is not None and registration.valid_until is not None
        halfway = runtime.context.calendar.halfway(request.created_at, request.review_due)

        for moment in (halfway, request.review_due, registration.valid_until - DAY):
            clock.now = moment
            at_once(lambda: run_jobs(runtime), lambda: run_jobs(replica))
        clock.now = registration.valid_until
        at_once(lambda: run_jobs(runtime), lambda: run_jobs(replica))
        clock.advance(DAY)

    chases = outbox(runtime, "review_halfway", "review_overdue")
    assert Counter(kind for kind, *_ in chases) == {
        "review_halfway": ROUNDS,
        "review_overdue": ROUNDS,
    }
    each_once(chases)
    partner_dms = outbox(runtime, "expiry_reminder", "expired")
    assert Counter(kind for kind, *_ in partner_dms) == {
        "expiry_reminder": ROUNDS,
        "expired": ROUNDS,
    }
    each_once(partner_dms)
    each_once(reminders(runtime))
