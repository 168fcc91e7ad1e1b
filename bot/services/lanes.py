"""One claimed batch of the outbox, delivered over a few workers at Slack's pace.

Messages to one recipient form a lane, sent one after the other in the order they were
written: the reviewers' card before its thread replies and its updates, a user's DM before
the update of that DM. Different lanes go out side by side, so a slow or paced lane does not
hold up the others. Each conversation gets at most one posted message a second, as Slack
asks (a short burst is let through by Slack, a sustained one is rate limited).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

from bot.services.ports import CUSTOMER, Delivery, Kind

Task = Callable[[], None]
Run = Callable[[Sequence[Task]], None]
"""Runs the tasks side by side and returns when all are done."""

INTERVAL = 1.0
"""Seconds between two messages posted into one conversation."""
ROUND_PACE = 1.0
"""A lane waits at most this long for its pace in one batch; the rest of it is handed back
and claimed again in the next batch, so that a busy conversation (the reviewers' channel in
a rush of requests) never holds up the others' messages for long."""

UNPACED = frozenset(
    {
        Kind.HOME_REFRESH,
        Kind.MESSAGES_REFRESH,
        Kind.REVIEW_DECIDED,
        Kind.REVIEW_UPDATED,
        Kind.EXTENSION_DECIDED,
    }
)
"""What posts no message: an App Home publish (Slack limits it per user), and a message
changed in place (chat.update: a card decided, a DM brought up to date), which Slack limits
per method, not per conversation. Pacing those behind the reviewers' channel made every
batch of decisions wait its second there, and the decision DMs behind it."""


def lanes(claimed: Sequence[Delivery]) -> list[list[Delivery]]:
    """The batch by recipient, each lane in claim (written) order, the lanes in the order
    of their first message."""
    by_recipient: dict[str, list[Delivery]] = {}
    for delivery in claimed:
        by_recipient.setdefault(delivery.notification.recipient, []).append(delivery)
    return list(by_recipient.values())


def in_turn(tasks: Sequence[Task]) -> None:
    """One task after the other: without workers (a command, a test)."""
    for task in tasks:
        task()


class Pacer:
    """Per conversation, the earliest moment the next message may be posted; shared by the
    workers and kept from one batch to the next."""

    def __init__(
        self,
        interval: float = INTERVAL,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval, self.clock, self.sleep = interval, clock, sleep
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, delivery: Delivery, most: float) -> float | None:
        """Waits until `delivery` may go out and returns the seconds waited (0 for what is
        not paced); None, without waiting, when that would take longer than `most`."""
        notification = delivery.notification
        if notification.kind in UNPACED or notification.recipient == CUSTOMER:
            return 0.0
        key = notification.recipient
        with self._lock:
            now = self.clock()
            at = max(now, self._next.get(key, now))
            if at - now > most:
                return None
            self._next[key] = at + self.interval
            if len(self._next) > 10_000:  # forget conversations long quiet
                self._next = {k: t for k, t in self._next.items() if t > now}
        if at > now:
            self.sleep(at - now)
        return at - now
