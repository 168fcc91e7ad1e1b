"""Failure injection and single-use trigger ids."""

from __future__ import annotations

import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from tests.slack_standin.calls import ApiError
from tests.slack_standin.identity import TRIGGER_TTL


@dataclass(frozen=True)
class Fault:
    """One planned misbehaviour: a delay, then optionally an error answer."""

    status: int = 200
    error: str | None = None
    retry_after: int | None = None
    delay: float = 0.0

    @property
    def answers(self) -> bool:
        """False for a pure delay: the call is then served normally, only late."""
        return self.status != 200 or self.error is not None

    def answer(self) -> tuple[int, dict[str, str], dict[str, Any]]:
        headers = {}
        if self.retry_after is not None:
            headers["Retry-After"] = str(self.retry_after)
        error = self.error or {429: "ratelimited"}.get(self.status, "internal_error")
        return self.status, headers, {"ok": False, "error": error}


class FaultPlan:
    """Faults queued per method (``"*"`` for any), consumed in order."""

    def __init__(self) -> None:
        self._queues: dict[str, deque[Fault]] = {}
        self._lock = threading.Lock()

    def add(self, method: str, fault: Fault, times: int) -> None:
        with self._lock:
            self._queues.setdefault(method, deque()).extend([fault] * times)

    def take(self, method: str) -> Fault | None:
        with self._lock:
            for key in (method, "*"):
                queue = self._queues.get(key)
                if queue:
                    return queue.popleft()
        return None

    def clear(self) -> None:
        with self._lock:
            self._queues.clear()


class TriggerRegistry:
    """trigger_ids: issued by the driver (as Slack does on an interaction), exchanged here."""

    def __init__(self, ttl: float = TRIGGER_TTL) -> None:
        self.ttl = ttl
        self._issued: dict[str, tuple[str, float]] = {}  # id -> (user, monotonic time)
        self._used: set[str] = set()
        self._lock = threading.Lock()

    def issue(self, user_id: str, *, age: float = 0.0) -> str:
        """A fresh trigger_id for ``user_id``; ``age`` back-dates it (to test expiry fast)."""
        trigger_id = f"{int(time.time())}.{secrets.randbelow(10**10)}.{secrets.token_hex(16)}"
        with self._lock:
            self._issued[trigger_id] = (user_id, time.monotonic() - age)
        return trigger_id

    def exchange(self, trigger_id: str | None) -> str:
        """Use a trigger_id once; return the user it belongs to, or raise Slack's error."""
        with self._lock:
            if not trigger_id or trigger_id not in self._issued:
                raise ApiError("invalid_trigger_id")
            if trigger_id in self._used:
                raise ApiError("exchanged_trigger_id")
            user_id, issued = self._issued[trigger_id]
            if time.monotonic() - issued > self.ttl:
                raise ApiError("expired_trigger_id")
            self._used.add(trigger_id)
            return user_id
