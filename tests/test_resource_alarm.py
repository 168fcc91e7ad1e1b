"""PostgreSQL refusing writes for lack of resources makes the database unhealthy for a while
(bot.adapters.resource_alarm); the error path itself is tested against a real server in
tests/e2e/test_database_faults.py."""

from __future__ import annotations

import psycopg.errors

from bot.adapters.resource_alarm import (
    HOLD_SECONDS,
    INSUFFICIENT_RESOURCES,
    ResourceAlarm,
    sqlstate,
)


class Ticks:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_refusal_sounds_until_a_write_goes_through() -> None:
    alarm = ResourceAlarm(clock=Ticks())
    assert not alarm.sounding
    alarm.sound()
    assert alarm.sounding
    alarm.clear()
    assert not alarm.sounding


def test_without_writes_the_alarm_lapses_after_its_hold() -> None:
    ticks = Ticks()
    alarm = ResourceAlarm(clock=ticks)
    alarm.sound()
    ticks.now += HOLD_SECONDS - 0.5
    assert alarm.sounding
    ticks.now += 0.5
    assert not alarm.sounding
    alarm.sound()  # refused again: sounding anew
    assert alarm.sounding


def test_the_sqlstate_is_read_from_the_driver_and_only_class_53_counts() -> None:
    assert sqlstate(psycopg.errors.DiskFull()).startswith(INSUFFICIENT_RESOURCES)
    assert sqlstate(psycopg.errors.OutOfMemory()).startswith(INSUFFICIENT_RESOURCES)
    assert not sqlstate(psycopg.errors.UniqueViolation()).startswith(INSUFFICIENT_RESOURCES)
    assert sqlstate(psycopg.OperationalError("server closed the connection")) == ""
    assert sqlstate(ValueError("x")) == ""
