"""One thread per process that delivers the outbox as soon as a commit says there is mail,
and a few that send a batch's lanes side by side (bot.services.lanes)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from typing import TYPE_CHECKING

from bot.adapters.waiting import patient, patient_thread
from bot.services.errors import ServiceBusy
from bot.tracebacks import traceback_text

if TYPE_CHECKING:  # the delivery itself loads only where the outbox is sent
    from bot.services.delivery import DeliveryReport

log = logging.getLogger(__name__)

LANE_WORKERS = 4
"""Lanes (recipients) sent at once: Slack's limits are per conversation and per method, so a
few workers keep a paced lane from holding up the rest without crowding the database."""


class LaneWorkers:
    """Runs a batch's lanes side by side; like the outbox thread, each waits for a busy
    database rather than give up between a send and its record."""

    def __init__(self, workers: int = LANE_WORKERS) -> None:
        self._pool = ThreadPoolExecutor(
            workers, thread_name_prefix="outbox-lane", initializer=patient_thread
        )

    def run(self, tasks: Sequence[Callable[[], None]]) -> None:
        if len(tasks) <= 1:
            for task in tasks:  # on the calling (outbox) thread: no hand-over
                task()
            return
        futures = [self._pool.submit(task) for task in tasks]
        wait(futures)  # every lane finished (or failed) before the next claim
        for future in futures:
            future.result()  # the first failure, as the outbox thread would have met it

    def close(self) -> None:
        self._pool.shutdown(wait=True)


class OutboxWorker:
    """Woken by `wake` (set after each commit that wrote to the outbox) or every `poll` seconds,
    which is when retries fall due. Several replicas may run one each: rows are claimed."""

    def __init__(
        self,
        deliver: Callable[[], DeliveryReport],
        wake: threading.Event,
        poll: float = 2.0,
        on_start: Callable[[], object] | None = None,
    ) -> None:
        self.deliver = deliver
        self.on_start = on_start
        self.wake = wake
        self.poll = poll
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="outbox", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        self.wake.set()
        self._thread.join(timeout)

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
                while not self._stopping.is_set():
                    report = self.deliver()
                    for failed in report.errors:
                        log.warning("outbox delivery failed: %s", failed)
                    if not report.claimed_all:
                        break
            except ServiceBusy:
                log.warning("outbox delivery paused: the database is busy; retrying shortly")
            except Exception as error:
                log.error(
                    "outbox delivery crashed; retrying at the next wake-up\n%s",
                    traceback_text(error),
                )
