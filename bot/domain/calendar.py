"""Working days for the review deadline.

"N working days after submission" is the first moment at which N x 24 hours of
working-day time have elapsed, counted on the business time zone's wall clock:
Friday 15:00 + 2 is Tuesday 15:00, and a weekend submission counts from the
next working day's 00:00. Arithmetic is done on the wall clock, so a DST
change keeps the clock time and moves the UTC instant.
"""

from __future__ import annotations

from collections.abc import Container
from datetime import UTC, date, datetime, time, timedelta, tzinfo

_ONE_DAY = timedelta(days=1)


class WorkingCalendar:
    """Weekdays that are not holidays, seen from one time zone.

    `holidays` is any container of dates; the composition root passes
    `holidays.country_holidays(...)`, which expands its years lazily.
    """

    def __init__(self, timezone: tzinfo, holidays: Container[date] = frozenset()) -> None:
        self.timezone = timezone
        self.holidays = holidays

    def is_working_day(self, d: date) -> bool:
        return d.weekday() < 5 and d not in self.holidays

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The moment `days` working days after `start`, as an aware UTC datetime."""
        if start.tzinfo is None or start.utcoffset() is None:
            raise ValueError("start must be a timezone-aware datetime")
        if days < 0:
            raise ValueError("days must not be negative")
        if days == 0:
            return start.astimezone(UTC)

        local = start.astimezone(self.timezone)
        # fold=0: a clock time that occurs twice is taken at its first occurrence.
        day, clock = local.date(), local.time().replace(fold=0)
        if not self.is_working_day(day):
            day, clock = self._next_working_day(day), time()

        # Step over days - 1 whole working days; the last one is left to finish.
        for _ in range(days - 1):
            day = self._next_working_day(day)
        # From 00:00 the time runs out at the end of that day, the following
        # midnight whatever that day is; from any other clock time it runs out
        # at that clock time on the next working day.
        due_day = day + _ONE_DAY if clock == time() else self._next_working_day(day)

        due = datetime.combine(due_day, clock, tzinfo=self.timezone)
        return due.astimezone(UTC)

    def _next_working_day(self, d: date) -> date:
        d += _ONE_DAY
        while not self.is_working_day(d):
            d += _ONE_DAY
        return d

    def working_time(self, start: datetime, end: datetime) -> timedelta:
        """How much working-day wall-clock time lies between two moments."""
        cursor, stop = self._wall(start), self._wall(end)
        total = timedelta()
        while cursor < stop:
            midnight = datetime.combine(cursor.date() + _ONE_DAY, time())
            if self.is_working_day(cursor.date()):
                total += min(midnight, stop) - cursor
            cursor = midnight
        return total

    def add_working_time(self, start: datetime, amount: timedelta) -> datetime:
        """The moment `amount` of working-day time after `start` (used for halfway marks)."""
        cursor = self._wall(start)
        remaining = amount
        while True:
            midnight = datetime.combine(cursor.date() + _ONE_DAY, time())
            if self.is_working_day(cursor.date()):
                if remaining <= midnight - cursor:
                    return (cursor + remaining).replace(tzinfo=self.timezone).astimezone(UTC)
                remaining -= midnight - cursor
            cursor = midnight

    def halfway(self, start: datetime, due: datetime) -> datetime:
        """When half the working time from `start` to `due` has passed."""
        return self.add_working_time(start, self.working_time(start, due) / 2)

    def _wall(self, moment: datetime) -> datetime:
        """The business zone's wall clock, naive: days are counted on it."""
        if moment.tzinfo is None:
            raise ValueError("moments must be timezone-aware")
        return moment.astimezone(self.timezone).replace(tzinfo=None)
