"""The review deadline: N x 24 h of working-day time on the business wall clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import holidays
import pytest

from bot.domain.calendar import WorkingCalendar

BERLIN = ZoneInfo("Europe/Berlin")
TOKYO = ZoneInfo("Asia/Tokyo")


def berlin(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


@pytest.fixture
def plain() -> WorkingCalendar:
    return WorkingCalendar(BERLIN)


@pytest.fixture
def germany() -> WorkingCalendar:
    return WorkingCalendar(BERLIN, holidays.country_holidays("DE"))


def test_weekdays_work_and_weekends_do_not(plain: WorkingCalendar) -> None:
    # 2026-06-01 is a Monday.
    week = [date(2026, 6, 1) + timedelta(days=i) for i in range(7)]
    assert [plain.is_working_day(d) for d in week] == [True] * 5 + [False] * 2


def test_a_holiday_is_not_a_working_day(germany: WorkingCalendar) -> None:
    assert not germany.is_working_day(date(2026, 5, 25))  # Whit Monday
    assert germany.is_working_day(date(2026, 5, 26))


def test_within_the_week_keeps_the_clock_time(plain: WorkingCalendar) -> None:
    assert plain.add_working_days(berlin(2026, 6, 1, 9, 15), 2) == berlin(2026, 6, 3, 9, 15)


def test_across_a_weekend(plain: WorkingCalendar) -> None:
    assert plain.add_working_days(berlin(2026, 6, 5, 15), 2) == berlin(2026, 6, 9, 15)
    assert plain.add_working_days(berlin(2026, 6, 5, 15), 1) == berlin(2026, 6, 8, 15)


def test_saturday_counts_from_monday_midnight(plain: WorkingCalendar) -> None:
    # Monday 00:00 + 2 days of working time = end of Tuesday.
    assert plain.add_working_days(berlin(2026, 6, 6, 10), 2) == berlin(2026, 6, 10)


def test_sunday_counts_from_monday_midnight(plain: WorkingCalendar) -> None:
    assert plain.add_working_days(berlin(2026, 6, 7, 23, 59), 1) == berlin(2026, 6, 9)


def test_from_midnight_the_due_moment_is_the_end_of_the_working_day(
    plain: WorkingCalendar,
) -> None:
    # Friday 00:00 + 1: the whole Friday is the working day, due at its end.
    assert plain.add_working_days(berlin(2026, 6, 5), 1) == berlin(2026, 6, 6)
    # Even when the next day is a holiday, Tuesday's end is the due moment.
    calendar = WorkingCalendar(BERLIN, {date(2026, 6, 10)})
    assert calendar.add_working_days(berlin(2026, 6, 6, 10), 2) == berlin(2026, 6, 10)


def test_a_monday_holiday_pushes_the_deadline(germany: WorkingCalendar) -> None:
    # Whit Monday 2026-05-25: Friday 15:00 + 2 is Wednesday 15:00.
    assert germany.add_working_days(berlin(2026, 5, 22, 15), 2) == berlin(2026, 5, 27, 15)


def test_christmas_and_new_year(germany: WorkingCalendar) -> None:
    # 25 Dec (Fri) and 26 Dec (Sat) 2026 and 1 Jan 2027 (Fri) are German holidays;
    # 24 Dec is not.
    assert germany.add_working_days(berlin(2026, 12, 24, 11), 1) == berlin(2026, 12, 28, 11)
    assert germany.add_working_days(berlin(2026, 12, 31, 11), 1) == berlin(2027, 1, 4, 11)
    assert germany.add_working_days(berlin(2026, 12, 30, 11), 3) == berlin(2027, 1, 5, 11)


def test_a_plain_set_of_holidays() -> None:
    calendar = WorkingCalendar(BERLIN, {date(2026, 6, 2), date(2026, 6, 3)})
    assert calendar.add_working_days(berlin(2026, 6, 1, 8), 1) == berlin(2026, 6, 4, 8)
    # Submitted on a holiday: counts from the next working day's midnight.
    assert calendar.add_working_days(berlin(2026, 6, 2, 8), 1) == berlin(2026, 6, 5)


def test_spring_dst_change_keeps_the_clock_time(plain: WorkingCalendar) -> None:
    # Clocks go forward on Sunday 2026-03-29: 15:00 CET is 14:00 UTC, 15:00 CEST is 13:00 UTC.
    due = plain.add_working_days(berlin(2026, 3, 27, 15), 2)
    assert due == datetime(2026, 3, 31, 13, tzinfo=UTC)
    assert due.astimezone(BERLIN).hour == 15


def test_autumn_dst_change_keeps_the_clock_time(plain: WorkingCalendar) -> None:
    # Clocks go back on Sunday 2026-10-25.
    due = plain.add_working_days(berlin(2026, 10, 23, 15), 2)
    assert due == datetime(2026, 10, 27, 14, tzinfo=UTC)


def test_days_are_counted_in_the_business_zone_not_utc() -> None:
    # Friday 23:30 UTC is already Saturday 08:30 in Tokyo.
    friday_night = datetime(2026, 3, 6, 23, 30, tzinfo=UTC)
    in_tokyo = WorkingCalendar(TOKYO).add_working_days(friday_night, 1)
    assert in_tokyo == datetime(2026, 3, 10, 0, tzinfo=TOKYO)  # end of Monday in Tokyo
    in_utc = WorkingCalendar(ZoneInfo("UTC")).add_working_days(friday_night, 1)
    assert in_utc == datetime(2026, 3, 9, 23, 30, tzinfo=UTC)


def test_sunday_in_utc_can_be_monday_in_the_business_zone() -> None:
    sunday_evening = datetime(2026, 3, 8, 16, tzinfo=UTC)  # Monday 01:00 in Tokyo
    due = WorkingCalendar(TOKYO).add_working_days(sunday_evening, 1)
    assert due == datetime(2026, 3, 10, 1, tzinfo=TOKYO)


def test_the_answer_is_aware_utc(plain: WorkingCalendar) -> None:
    due = plain.add_working_days(berlin(2026, 6, 1, 9), 1)
    assert due.tzinfo is UTC
    assert (due.hour, due.minute) == (7, 0)  # 09:00 CEST


def test_any_aware_start_is_accepted(plain: WorkingCalendar) -> None:
    start = datetime(2026, 6, 1, 12, tzinfo=timezone(timedelta(hours=-5)))  # 19:00 Berlin
    assert plain.add_working_days(start, 1) == berlin(2026, 6, 2, 19)


def test_zero_days_is_the_start_itself(plain: WorkingCalendar) -> None:
    saturday = berlin(2026, 6, 6, 10)
    due = plain.add_working_days(saturday, 0)
    assert due == saturday
    assert due.tzinfo is UTC


def test_a_naive_start_is_refused(plain: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="aware"):
        plain.add_working_days(datetime(2026, 6, 1, 9), 2)


def test_negative_days_are_refused(plain: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="negative"):
        plain.add_working_days(berlin(2026, 6, 1, 9), -1)
