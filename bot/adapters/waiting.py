"""How long a unit of work may wait for the database, and SQLite's queue for its one writer.

A request must answer Slack within 3 s, so its units of work give up after WAIT_SECONDS as
ServiceBusy; background work (periodic jobs, the command line, the outbox) is `patient`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any

from bot.services.errors import ServiceBusy

if TYPE_CHECKING:
    from sqlalchemy import Engine

# Slack wants an answer within 3 s, so no unit of work may wait on the database longer than
# this: past it the use case fails with ServiceBusy ("nothing was saved, try again") instead of
# committing after Slack gave up, when the user has already been told it failed.
WAIT_SECONDS = 2.0


def writer_turn(engine: Engine) -> AbstractContextManager[Any] | None:
    """SQLite has one writer at a time. Threads of one process queue on a lock for their
    turn instead of polling SQLite's busy handler, whose sleeps of up to 100 ms let
    unlucky waiters starve for seconds. Other processes still wait on the busy timeout."""
    return WriterTurn() if engine.dialect.name == "sqlite" else None


_deadline = threading.local()  # when the current thread's unit of work must stop waiting
_patience = threading.local()  # how long background work on this thread may wait instead


@contextmanager
def patient(seconds: float = 30.0) -> Iterator[None]:
    """Background work (periodic jobs, the command line) answers no one within 3 s: its units
    of work may wait this long for the database instead of giving up as ServiceBusy."""
    previous = getattr(_patience, "wait", None)
    _patience.wait = seconds
    try:
        yield
    finally:
        _patience.wait = previous


def patient_thread(seconds: float = 30.0) -> None:
    """As `patient`, for the whole life of the calling thread (a pool's initializer)."""
    _patience.wait = seconds


def patience_here() -> float | None:
    """How long background work on this thread may wait; None in a request's thread."""
    wait: float | None = getattr(_patience, "wait", None)
    return wait


def _wait() -> float:
    return getattr(_patience, "wait", None) or WAIT_SECONDS


def time_left() -> float:
    """What is left of this thread's wait for the database: after its turn in the queue
    (WriterTurn), if it queued; else all of it."""
    left = getattr(_deadline, "at", None)
    return _wait() if left is None else max(left - time.monotonic(), 0.05)


class WriterTurn:
    """A re-entrant lock whose wait is bounded: a queue longer than that is ServiceBusy. The
    time spent queueing counts against the busy timeout of the transaction that follows."""

    def __init__(self) -> None:
        self._lock = threading.RLock()

    def __enter__(self) -> None:
        wait = _wait()
        deadline = time.monotonic() + wait
        if not self._lock.acquire(timeout=wait):
            raise ServiceBusy("waited too long for a turn to write")
        depth = getattr(_deadline, "depth", 0)
        if depth == 0:
            _deadline.at = deadline
        _deadline.depth = depth + 1

    def __exit__(self, *exc: object) -> None:
        _deadline.depth -= 1
        if _deadline.depth == 0:
            _deadline.at = None
        self._lock.release()
