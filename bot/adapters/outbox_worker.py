"""One thread per process that delivers the outbox as soon as a commit says there is mail."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from bot.adapters.database import patient
from bot.services.delivery import DeliveryReport
from bot.services.errors import ServiceBusy

log = logging.getLogger(__name__)


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
            except Exception:
                log.exception("outbox start-up step failed; claims run out with their lease")
        while not self._stopping.is_set():
            self.wake.wait(self.poll)
            self.wake.clear()
            try:
                while not self._stopping.is_set():
                    report = self.deliver()
                    for error in report.errors:
                        log.warning("outbox delivery failed: %s", error)
                    if not report.claimed_all:
                        break
            except ServiceBusy:
                log.warning("outbox delivery paused: the database is busy; retrying shortly")
            except Exception:
                log.exception("outbox delivery crashed; retrying at the next wake-up")
