"""Two replicas running the jobs at the same moment send each message once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from bot.bootstrap import Runtime, build
from bot.scheduler import expire_registrations, remind
from bot.settings import Settings
from tests.conftest import Clock
from tests.scheduler_steps import (
    ACME_USERS,
    DAY,
    REVIEWERS,
    ask_review,
    hold,
    outbox,
    reminders,
    run_jobs,
)
from tests.together import at_once

ROUNDS = 10


@pytest.fixture
def settings(database_url: str) -> Settings:
    """As conftest's, with reviewers: the overdue mention names them."""
    return Settings(
        _env_file=None, database_url=database_url, reviewer_user_ids=",".join(REVIEWERS)
    )


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
