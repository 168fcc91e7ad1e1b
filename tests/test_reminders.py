"""Reminders: when each checkpoint falls due (domain), and that `send_reminders` claims each one
exactly once, sends only the latest after downtime, and nothing for what has ended (use case,
on SQLite and PostgreSQL, with a clock the test moves)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.orm import OutboxRow, ReminderRow
from bot.bootstrap import Runtime
from bot.domain.calendar import WorkingCalendar
from bot.domain.model import Customer, Registration, Status
from bot.domain.reminders import Checkpoint, Nudge, checkpoints, due
from bot.services.context import Context
from bot.services.partners import AddPartner, add_partner
from bot.services.registrations import (
    ExpireDue,
    Extend,
    Preregister,
    expire_due,
    extend,
    preregister,
)
from bot.services.reminders import SendReminders, send_reminders
from bot.services.reviews import Approve, approve
from tests import seeding
from tests.conftest import Clock

DAY = timedelta(days=1)
TICK = timedelta(microseconds=1)
OFFSETS = (3 * DAY, DAY)
WEDNESDAY = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
CALENDAR = WorkingCalendar(UTC)
REVIEWERS = ("UREV1", "UREV2")
ACME_USERS = ("UACME1", "UACME2")


# --------------------------------------------------------------------------
# Domain: the checkpoints and what is due when
# --------------------------------------------------------------------------


def active(valid_until: datetime) -> Registration:
    customer = Customer("Kunde GmbH", "DE", email="einkauf@kunde.example")
    registration = Registration.preregistered("acme", customer, valid_until - 15 * DAY, 15 * DAY)
    registration.id = 1
    return registration


def waiting(created_at: datetime, review_due: datetime) -> Registration:
    customer = Customer("Kunde SARL", "FR", email="achat@kunde.fr")
    registration = Registration.pending_review(
        "acme", customer, (), "Met at a fair", created_at, review_due
    )
    registration.id = 2
    return registration


def test_an_expiry_checkpoint_per_offset_before_valid_until() -> None:
    end = WEDNESDAY + 15 * DAY

    assert checkpoints(active(end), OFFSETS, CALENDAR) == (
        Checkpoint(Nudge.EXPIRY, end - 3 * DAY, 3 * DAY),
        Checkpoint(Nudge.EXPIRY, end - DAY, DAY),
    )


def test_a_checkpoint_is_due_at_its_moment_not_a_microsecond_before() -> None:
    end = WEDNESDAY + 15 * DAY
    mark = end - 3 * DAY

    assert due(active(end), OFFSETS, CALENDAR, mark - TICK).passed == ()
    at_mark = due(active(end), OFFSETS, CALENDAR, mark)
    assert at_mark.passed == (Checkpoint(Nudge.EXPIRY, mark, 3 * DAY),)
    assert at_mark.send == Checkpoint(Nudge.EXPIRY, mark, 3 * DAY)


def test_after_downtime_every_passed_checkpoint_is_listed_and_only_the_latest_sent() -> None:
    end = WEDNESDAY + 15 * DAY

    late = due(active(end), OFFSETS, CALENDAR, end - TICK)

    assert [c.offset for c in late.passed] == [3 * DAY, DAY]
    assert late.send == Checkpoint(Nudge.EXPIRY, end - DAY, DAY)


def test_nothing_is_due_once_the_registration_has_ended() -> None:
    end = WEDNESDAY + 15 * DAY
    registration = active(end)

    assert due(registration, OFFSETS, CALENDAR, end) == due(registration, (), CALENDAR, end)
    assert due(registration, OFFSETS, CALENDAR, end).send is None
    for status in (Status.EXPIRED, Status.DELETED, Status.ASSOCIATED, Status.REJECTED):
        registration.status = status
        assert checkpoints(registration, OFFSETS, CALENDAR) == ()
        assert due(registration, OFFSETS, CALENDAR, end - TICK).passed == ()


def test_a_review_is_chased_halfway_and_at_its_deadline() -> None:
    friday = WEDNESDAY + 2 * DAY
    request = waiting(WEDNESDAY, friday)

    assert checkpoints(request, OFFSETS, CALENDAR) == (
        Checkpoint(Nudge.REVIEW_HALFWAY, WEDNESDAY + DAY),  # Thursday 10:00
        Checkpoint(Nudge.REVIEW_OVERDUE, friday),
    )
    assert due(request, OFFSETS, CALENDAR, WEDNESDAY + DAY - TICK).passed == ()
    assert due(request, OFFSETS, CALENDAR, friday + 7 * DAY).send == Checkpoint(
        Nudge.REVIEW_OVERDUE, friday
    )


def test_halfway_counts_working_time_only() -> None:
    # Friday 15:00 + 2 working days = Tuesday 15:00; half of that working time is
    # Friday's 9 hours plus 15 hours of Monday.
    friday = datetime(2026, 11, 27, 15, tzinfo=UTC)
    review_due = CALENDAR.add_working_days(friday, 2)
    assert review_due == datetime(2026, 12, 1, 15, tzinfo=UTC)

    halfway, _ = checkpoints(waiting(friday, review_due), OFFSETS, CALENDAR)

    assert halfway.at == datetime(2026, 11, 30, 15, tzinfo=UTC)


# --------------------------------------------------------------------------
# The use case, on both databases
# --------------------------------------------------------------------------


@pytest.fixture
def acme(context: Context) -> None:
    add_partner(
        AddPartner("acme", "Acme", "DE", email="sales@acme.example", slack_user_ids=ACME_USERS),
        context,
    )


def hold(context: Context, email: str = "einkauf@kunde.example") -> Registration:
    return seeding.hold(context, email)


def ask_review(context: Context) -> Registration:
    return seeding.ask_review(context, "achat@kunde.fr")


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
