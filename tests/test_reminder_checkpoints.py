"""When each reminder falls due: the expiry checkpoints and a review's halfway and deadline
marks."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.calendar import WorkingCalendar
from bot.domain.model import Customer, Registration, Status
from bot.domain.reminders import Checkpoint, Nudge, checkpoints, due
from tests.reminder_steps import DAY, TICK, WEDNESDAY

OFFSETS = (3 * DAY, DAY)
CALENDAR = WorkingCalendar(UTC)


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
