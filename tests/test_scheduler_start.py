"""On start the scheduler catches up, and a failing job does not stop the others."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

import pytest

from bot.bootstrap import Runtime
from bot.domain.model import Status
from bot.scheduler import Job, build_scheduler
from bot.settings import Settings
from tests.conftest import Clock
from tests.scheduler_steps import (
    ACME_USERS,
    DAY,
    REVIEWERS,
    ask_review,
    ended,
    hold,
    outbox,
    reminders,
    run_jobs,
    status_of,
)


@pytest.fixture
def settings(database_url: str) -> Settings:
    """As conftest's, with reviewers: the overdue mention names them."""
    return Settings(
        _env_file=None, database_url=database_url, reviewer_user_ids=",".join(REVIEWERS)
    )


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
