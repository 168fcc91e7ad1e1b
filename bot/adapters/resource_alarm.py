"""PostgreSQL out of room: disk full, out of memory, too many connections (SQLSTATE class 53,
"insufficient resources"). Its unit of work already answers "busy, nothing was saved"; but a
plain `SELECT 1` still succeeds, so /healthz would say 200 while every insert fails.

The engine remembers such a refusal until a write goes through again, or HOLD_SECONDS pass:
then traffic may try again, and the next refusal sounds the alarm anew.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import ExceptionContext

INSUFFICIENT_RESOURCES = "53"
HOLD_SECONDS = 30.0
_WRITES = ("INSERT", "UPDATE", "DELETE")


class ResourceAlarm:
    def __init__(
        self, hold: float = HOLD_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._hold = hold
        self._clock = clock
        self._since: float | None = None

    def sound(self) -> None:
        self._since = self._clock()

    def clear(self) -> None:
        self._since = None

    @property
    def sounding(self) -> bool:
        since = self._since
        return since is not None and self._clock() - since < self._hold


_alarms: weakref.WeakKeyDictionary[Engine, ResourceAlarm] = weakref.WeakKeyDictionary()


def watch(engine: Engine) -> ResourceAlarm:
    """Listen to the engine's errors and writes (PostgreSQL engines; SQLite checks its disk)."""
    alarm = _alarms[engine] = ResourceAlarm()

    @event.listens_for(engine, "handle_error")
    def _on_error(context: ExceptionContext) -> None:
        if sqlstate(context.original_exception).startswith(INSUFFICIENT_RESOURCES):
            alarm.sound()

    @event.listens_for(engine, "after_cursor_execute")
    def _on_statement(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip()[:6].upper() in _WRITES:
            alarm.clear()  # this write found room: the trouble is over

    return alarm


def short_of_resources(engine: Engine) -> bool:
    alarm = _alarms.get(engine)
    return alarm is not None and alarm.sounding


def sqlstate(error: BaseException) -> str:
    """The driver's SQLSTATE (psycopg's `sqlstate`), or "" for errors that carry none."""
    code = getattr(error, "sqlstate", None)
    return code if isinstance(code, str) else ""
