"""What the stand-in records: Web API errors, arguments and every call, with waits."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# How long a test waits for a call before it fails: generous, because a loaded machine
# can be slow; a call that arrives returns the wait at once.
PATIENCE = 20.0


class ApiError(Exception):
    """A Slack error answer: HTTP 200 with ``{"ok": false, "error": code}``."""

    def __init__(self, error: str, messages: list[str] | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.messages = messages or []


class Args:
    """The parsed arguments of one call, with the small checks every handler needs."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw
        self.warnings: list[str] = []

    def get(self, name: str, default: Any = None) -> Any:
        value = self.raw.get(name)
        return default if value is None or value == "" else value

    def required(self, name: str, error: str = "invalid_arguments") -> Any:
        value = self.get(name)
        if value is None:
            raise ApiError(error, [f"[ERROR] missing required field: {name}"])
        return value

    def flag(self, name: str) -> bool:
        value = self.raw.get(name)
        if isinstance(value, str):
            return value.lower() in ("1", "true", "yes")
        return bool(value)

    def warn(self, code: str) -> None:
        self.warnings.append(code)


@dataclass(frozen=True)
class Call:
    """One request the stand-in received, and what it answered."""

    seq: int
    method: str
    args: dict[str, Any]
    headers: dict[str, str]  # lower-cased names
    at: float  # time.time() on arrival
    status: int
    response: dict[str, Any]
    injected: bool = False  # answered by fail_next(), not by the fake workspace

    @property
    def ok(self) -> bool:
        return bool(self.response.get("ok"))

    @property
    def error(self) -> str | None:
        return self.response.get("error")

    @property
    def warnings(self) -> list[str]:
        return list(self.response.get("response_metadata", {}).get("warnings", []))


class CallLog:
    """Thread-safe record of calls; tests wait on it because the bot works on a thread pool."""

    def __init__(self) -> None:
        self._calls: list[Call] = []
        self._changed = threading.Condition()

    def record(self, **fields: Any) -> Call:
        with self._changed:
            call = Call(seq=len(self._calls), **fields)
            self._calls.append(call)
            self._changed.notify_all()
            return call

    def mark(self) -> int:
        """A position in the log: pass it as ``after=`` to look only at later calls."""
        with self._changed:
            return len(self._calls)

    def select(
        self,
        method: str | None = None,
        predicate: Callable[[Call], bool] | None = None,
        after: int = 0,
    ) -> list[Call]:
        with self._changed:
            calls = self._calls[after:]
        return [
            c
            for c in calls
            if (method is None or c.method == method) and (predicate is None or predicate(c))
        ]

    def wait_for(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        *,
        timeout: float = PATIENCE,
        count: int = 1,
        after: int = 0,
    ) -> list[Call]:
        """Block until ``count`` matching calls were recorded; return them (oldest first)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = self.select(method, predicate, after)
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [(c.method, c.error or "ok") for c in self._calls[after:]]
                    raise AssertionError(
                        f"waited {timeout}s for {count} matching {method} call(s), "
                        f"found {len(found)}; calls since mark: {seen}"
                    )
                self._changed.wait(min(left, 0.05))
