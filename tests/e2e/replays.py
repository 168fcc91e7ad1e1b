"""Sending one signed Slack request again, as a replay or a double click would."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest

from bot.slack_app import LISTENER_THREADS
from tests.e2e.conftest import Bot
from tests.slack_driver import Reply, Signature


class Replays:
    """Records every interactivity payload the driver sends; `again` sends the last one."""

    def __init__(self, bot: Bot, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sent: list[dict[str, Any]] = []
        self._send = bot.driver.send_payload

        def record(payload: dict[str, Any], *, signature: Signature = "valid") -> Reply:
            self.sent.append(json.loads(json.dumps(payload)))
            return self._send(payload, signature=signature)

        monkeypatch.setattr(bot.driver, "send_payload", record)

    def again(self, times: int = 2) -> list[Reply]:
        """The last request, `times` more times, one after the other."""
        last = self.sent[-1]
        return [self._send(last) for _ in range(times)]

    def at_once(self, workers: int = 2) -> list[Reply]:
        """The last request from `workers` threads at the same moment."""
        last = self.sent[-1]
        barrier = threading.Barrier(workers)
        replies: list[Reply | None] = [None] * workers

        def run(i: int) -> None:
            barrier.wait()
            replies[i] = self._send(last)

        threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert all(reply is not None for reply in replies), "a replay got no answer"
        return [reply for reply in replies if reply is not None]


def drain(bot: Bot) -> None:
    """Wait until every listener Bolt has queued so far has finished: each listener thread
    is then parked at one barrier (the executor runs its queue in order)."""
    executor = bot.stack.slack_app.listener_runner.listener_executor
    barrier = threading.Barrier(LISTENER_THREADS + 1)
    for _ in range(LISTENER_THREADS):
        executor.submit(barrier.wait, 30)
    barrier.wait(30)
