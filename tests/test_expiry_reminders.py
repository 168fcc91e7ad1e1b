"""Expiry reminders sent: once to every company user, the latest only after downtime, again after
an extension."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from bot.bootstrap import Runtime
from bot.domain.model import Customer, Registration
from bot.services.context import Context
from bot.services.registrations import (
    ExpireDue,
    Extend,
    Preregister,
    expire_due,
    extend,
    preregister,
)
from bot.services.reminders import SendReminders, send_reminders
from tests import seeding
from tests.conftest import Clock
from tests.reminder_steps import ACME_USERS, DAY, REVIEWERS, TICK, messages, remind, reminder_rows


def hold(context: Context, email: str = "einkauf@kunde.example") -> Registration:
    return seeding.hold(context, email)


def expiry_dm(days: int) -> list[tuple[str, str, dict[str, object]]]:
    return [("expiry_reminder", user, {"offset_seconds": days * 86400}) for user in ACME_USERS]


@pytest.mark.usefixtures("acme")
def test_each_expiry_reminder_is_sent_once_to_every_company_user(
    context: Context, runtime: Runtime, clock: Clock
) -> None:
    end = seeding.ends(hold(context))

    clock.now = end - 3 * DAY - TICK
    assert [remind(context) for _ in range(3)] == [0, 0, 0]
    assert messages(runtime) == []

    clock.now = end - 3 * DAY
    assert [remind(context) for _ in range(3)] == [1, 0, 0]
    assert messages(runtime) == expiry_dm(3)

    clock.now = end - DAY - TICK
    assert remind(context) == 0
    clock.now = end - DAY
    assert [remind(context) for _ in range(3)] == [1, 0, 0]
    clock.now = end - TICK
    assert remind(context) == 0

    assert messages(runtime) == expiry_dm(3) + expiry_dm(1)
    assert reminder_rows(runtime) == [("expiry", 3, True), ("expiry", 1, True)]


@pytest.mark.usefixtures("acme")
def test_after_downtime_past_both_marks_only_the_last_reminder_is_sent(
    context: Context, runtime: Runtime, clock: Clock
) -> None:
    end = seeding.ends(hold(context))

    clock.now = end - DAY + timedelta(hours=2)
    assert [remind(context) for _ in range(2)] == [1, 0]

    assert messages(runtime) == expiry_dm(1)
    # The 3-day reminder is recorded unsent: it is never sent late.
    assert sorted(reminder_rows(runtime)) == [("expiry", 1, True), ("expiry", 3, False)]


@pytest.mark.usefixtures("acme")
def test_after_downtime_past_the_end_no_reminder_at_all(
    context: Context, runtime: Runtime, clock: Clock
) -> None:
    registration = hold(context)

    clock.now = seeding.ends(registration) + timedelta(hours=1)
    assert remind(context) == 0  # before the expiry job has run: still nothing
    assert [r.id for r in expire_due(ExpireDue(), context)] == [registration.id]
    assert remind(context) == 0

    assert reminder_rows(runtime) == []
    assert messages(runtime) == [("expired", user, {}) for user in ACME_USERS]


@pytest.mark.usefixtures("acme")
def test_an_extension_starts_the_reminders_over(
    context: Context, runtime: Runtime, clock: Clock
) -> None:
    registration = hold(context)
    assert registration.id is not None
    end = seeding.ends(registration)
    clock.now = end - 3 * DAY
    assert remind(context) == 1

    new_end = seeding.ends(extend(Extend("UACME1", registration.id), context))
    assert new_end == end + context.policy.validity
    assert remind(context) == 0

    clock.now = new_end - 3 * DAY
    assert [remind(context) for _ in range(2)] == [1, 0]
    assert messages(runtime) == expiry_dm(3) + expiry_dm(3)


@pytest.mark.usefixtures("acme")
def test_a_reminder_longer_than_the_validity_is_never_sent(
    context: Context, runtime: Runtime, clock: Clock
) -> None:
    # PREREG_VALIDITY=36h with the default reminders 3d,1d: the 3-day mark lies before the
    # reservation even began; a "reminder" right after pre-registering would be noise.
    policy = replace(context.policy, validity=timedelta(hours=36))
    done = preregister(
        Preregister("UACME1", Customer("Kunde GmbH", "DE", email="einkauf@kunde.example")), context
    )
    assert done.registration is not None and done.registration.valid_until is not None
    end = done.registration.valid_until

    def tick() -> int:
        return send_reminders(
            SendReminders(), replace(context, policy=policy, reviewers=frozenset(REVIEWERS))
        )

    assert tick() == 0
    clock.now = end - DAY - TICK
    assert tick() == 0
    clock.now = end - DAY
    assert [tick(), tick()] == [1, 0]

    assert messages(runtime) == expiry_dm(1)
    assert reminder_rows(runtime) == [("expiry", 1, True)]
