"""Review reminders sent: halfway then at the deadline, only the overdue mention late, none once
decided."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from bot.bootstrap import Runtime
from bot.domain.model import Registration
from bot.services.context import Context
from bot.services.reviews import Approve, approve
from tests import seeding
from tests.conftest import Clock
from tests.reminder_steps import DAY, REVIEWERS, TICK, WEDNESDAY, messages, remind, reminder_rows


def ask_review(context: Context) -> Registration:
    return seeding.ask_review(context, "achat@kunde.fr")


@pytest.mark.usefixtures("acme")
def test_a_review_is_chased_halfway_then_at_the_deadline_with_the_reviewers_named(
    context: Context, runtime: Runtime, clock: Clock
) -> None:
    request = ask_review(context)
    assert request.review_due == WEDNESDAY + 2 * DAY  # Friday 10:00

    clock.now = WEDNESDAY + DAY - TICK
    assert remind(context) == 0
    clock.now = WEDNESDAY + DAY  # Thursday 10:00: half the working time
    assert [remind(context) for _ in range(3)] == [1, 0, 0]
    clock.now = request.review_due - TICK
    assert remind(context) == 0
    clock.now = request.review_due
    assert [remind(context) for _ in range(3)] == [1, 0, 0]
    clock.advance(7 * DAY)
    assert remind(context) == 0

    chased = messages(runtime, "review_halfway", "review_overdue")
    assert chased == [
        ("review_halfway", "reviewers", {}),
        ("review_overdue", "reviewers", {"reviewers": list(REVIEWERS)}),
    ]
    assert reminder_rows(runtime) == [("review_halfway", 0, True), ("review_overdue", 0, True)]


@pytest.mark.usefixtures("acme")
def test_a_review_found_past_its_deadline_gets_only_the_overdue_mention(
    context: Context, runtime: Runtime, clock: Clock
) -> None:
    request = ask_review(context)
    assert request.review_due is not None

    clock.now = request.review_due + timedelta(hours=5)
    assert [remind(context) for _ in range(2)] == [1, 0]

    assert [kind for kind, _, _ in messages(runtime, "review_halfway", "review_overdue")] == [
        "review_overdue"
    ]
    assert sorted(reminder_rows(runtime)) == [
        ("review_halfway", 0, False),
        ("review_overdue", 0, True),
    ]


@pytest.mark.usefixtures("acme")
def test_a_decided_review_is_not_chased(context: Context, runtime: Runtime, clock: Clock) -> None:
    request = ask_review(context)
    assert request.id is not None and request.review_due is not None
    approve(Approve("UREV1", request.id), replace(context, reviewers=frozenset(REVIEWERS)))

    clock.now = request.review_due + DAY
    assert remind(context) == 0

    assert messages(runtime, "review_halfway", "review_overdue") == []
    assert reminder_rows(runtime) == []
