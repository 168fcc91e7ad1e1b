"""The server's outbox: one thread claims as soon as a commit says there is mail, a few send
the claimed lanes (bot.services.dispatch), and a round's workers for the periodic job."""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from typing import TYPE_CHECKING

from bot.adapters.waiting import patient, patient_thread
from bot.services.errors import ServiceBusy
from bot.tracebacks import traceback_text

if TYPE_CHECKING:  # the delivery itself loads only where the outbox is sent
    from bot.services.dispatch import Dispatch, Lane

log = logging.getLogger(__name__)

LANE_WORKERS = 4
"""Lanes (recipients) sent at once: Slack's limits are per conversation and per method, so a
few workers keep a slow lane from holding up the rest without crowding the database. A lane
waiting for its conversation's pace holds no worker."""

HELD_LANES = 200
"""Lanes claimed and not yet done, at most: past that the claims wait, and the rows with
them, rather than run down their leases queued here."""


class LaneWorkers:
    """Runs a round's lanes side by side; like the outbox thread, each waits for a busy
    database rather than give up between a send and its record."""

    def __init__(self, workers: int = LANE_WORKERS) -> None:
        self._pool = ThreadPoolExecutor(
            workers, thread_name_prefix="outbox-lane", initializer=patient_thread
        )

    def run(self, tasks: Sequence[Callable[[], None]]) -> None:
        if len(tasks) <= 1:
            for task in tasks:  # on the calling thread: no hand-over
                task()
            return
        futures = [self._pool.submit(task) for task in tasks]
        wait(futures)  # every lane finished (or failed) before the next claim
        for future in futures:
            future.result()  # the first failure, as the calling thread would have met it

    def close(self) -> None:
        self._pool.shutdown(wait=True)


class OutboxWorker:
    """Woken by `wake` (set after each commit that wrote to the outbox, and when a lane is
    done) or every `poll` seconds, which is when retries fall due, it claims the lanes of the
    recipients with nothing in flight and hands them to the lane threads, which step each
    lane when its turn comes. Several replicas may run one each: rows are claimed."""

    def __init__(
        self,
        dispatch: Dispatch | None,
        wake: threading.Event,
        poll: float = 2.0,
        on_start: Callable[[], object] | None = None,
        workers: int = LANE_WORKERS,
    ) -> None:
        self.dispatch, self.wake, self.poll, self.on_start = dispatch, wake, poll, on_start
        self._stopping = threading.Event()
        self._turns = threading.Condition()
        self._ready: list[tuple[float, int, Lane]] = []
        """Lanes by the moment their next message may go (a heap)."""
        self._flying: dict[str, Lane] = {}
        """The lanes claimed and not yet done, by lane (bot.services.lanes.lane_of)."""
        self._order = itertools.count()
        self._thread = threading.Thread(target=self._run, name="outbox", daemon=True)
        self._senders = [
            threading.Thread(target=self._send, name=f"outbox-lane-{n}", daemon=True)
            for n in range(workers if dispatch is not None else 0)
        ]

    def start(self) -> None:
        self._thread.start()
        for sender in self._senders:
            sender.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        self.wake.set()
        with self._turns:
            self._turns.notify_all()
        deadline = time.monotonic() + timeout
        for thread in [self._thread, *self._senders]:
            if thread.is_alive():
                thread.join(max(0.0, deadline - time.monotonic()))
        with self._turns:
            left, self._ready = [lane for _, _, lane in self._ready], []
        for lane in left:  # untried: another replica, or the next start, takes them at once
            self._put_back(lane)

    def _run(self) -> None:
        # It answers no one within 3 s: a busy database is waited for, not given up on. Given
        # up between a send and its record, the row would stay claimed and go out again.
        with patient():
            self._serve()

    def _serve(self) -> None:
        if self.on_start is not None:
            try:
                self.on_start()  # e.g. release what a dead predecessor had claimed
                self.wake.set()
            except Exception as error:
                log.error(
                    "outbox start-up step failed; claims run out with their lease\n%s",
                    traceback_text(error),
                )
        while not self._stopping.is_set():
            self.wake.wait(self.poll)
            self.wake.clear()
            try:
                while not self._stopping.is_set() and self._claim():
                    pass
            except ServiceBusy:
                log.warning("outbox delivery paused: the database is busy; retrying shortly")
            except Exception as error:
                log.error(
                    "outbox delivery crashed; retrying at the next wake-up\n%s",
                    traceback_text(error),
                )

    def _claim(self) -> bool:
        """Claim once; whether there may be more to claim now."""
        dispatch = self.dispatch
        if dispatch is None:
            return False
        with self._turns:
            if len(self._flying) >= HELD_LANES:
                return False  # a lane done sets `wake` again
        lanes = dispatch.claim()
        full = sum(len(lane.waiting) for lane in lanes) >= dispatch.limit
        now = time.monotonic()
        with self._turns:
            for lane in lanes:
                flying = self._flying.get(lane.key)
                if flying is not None:
                    flying.join(lane)  # claimed again past its lease: still one lane
                    continue
                self._flying[lane.key] = lane
                heapq.heappush(self._ready, (now, next(self._order), lane))
            self._turns.notify_all()
        return full

    def _send(self) -> None:
        patient_thread()
        while (lane := self._next_turn()) is not None:
            try:
                assert self.dispatch is not None
                ahead = self.dispatch.step(lane)
            except Exception as error:
                # Its rows stay claimed and come back when their lease runs out.
                log.error("outbox lane %s failed\n%s", lane.recipient, traceback_text(error))
                lane.waiting.clear()
                ahead = None
            with self._turns:
                if ahead is None and lane.waiting:  # joined by a claim meanwhile
                    ahead = 0.0
                if ahead is None:
                    del self._flying[lane.key]
            if ahead is None:
                for failed in lane.report.errors:
                    log.warning("outbox delivery failed: %s", failed)
                self.wake.set()  # its recipient may have more by now
                continue
            with self._turns:
                heapq.heappush(self._ready, (time.monotonic() + ahead, next(self._order), lane))
                self._turns.notify()

    def _next_turn(self) -> Lane | None:
        with self._turns:
            while not self._stopping.is_set():
                if self._ready:
                    at = self._ready[0][0]
                    now = time.monotonic()
                    if at <= now:
                        return heapq.heappop(self._ready)[2]
                    self._turns.wait(at - now)
                else:
                    self._turns.wait()
            return None

    def _put_back(self, lane: Lane) -> None:
        assert self.dispatch is not None
        try:
            self.dispatch.put_back(lane)
        except Exception as error:
            log.error("outbox lane %s not handed back\n%s", lane.recipient, traceback_text(error))
