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

from bot.services.ports import CUSTOMER, Delivery, Kind, Notification

Task = Callable[[], None]
Run = Callable[[Sequence[Task]], None]
"""Runs the tasks side by side and returns when all are done."""

INTERVAL = 1.0
"""Seconds between two messages posted into one conversation."""
BURST = 3
"""Posts let through at once into a quiet conversation before the pace holds: Slack allows
"short bursts" above one a second; a few keeps a lull's first messages from queueing."""
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


APART = frozenset({Kind.HOME_REFRESH})
"""A lane of their own beside their recipient's messages: an App Home publish is no message in
the user's DM and shows things as they are when it is sent, so it need not wait behind a DM
conversation's pace. (Mirrored in the SQL of `Outbox.claim_in_order`.)"""
APART_SUFFIX = ":home"


def lane_of(notification: Notification) -> str:
    """The lane a message goes out in: its recipient's, or that recipient's App Home."""
    if notification.kind in APART:
        return notification.recipient + APART_SUFFIX
    return notification.recipient


def lanes(claimed: Sequence[Delivery]) -> list[list[Delivery]]:
    """The batch by lane (`lane_of`), each lane in claim (written) order, the lanes in the
    order of their first message."""
    by_lane: dict[str, list[Delivery]] = {}
    for delivery in claimed:
        by_lane.setdefault(lane_of(delivery.notification), []).append(delivery)
    return list(by_lane.values())


def in_turn(tasks: Sequence[Task]) -> None:
    """One task after the other: without workers (a command, a test)."""
    for task in tasks:
        task()


class Pacer:
    """Per conversation, the earliest moment the next message may be posted; shared by the
    workers and kept from one batch to the next. `burst` messages may go at once into a quiet
    conversation (Slack lets a short burst through), then one every `interval`."""

    def __init__(
        self,
        interval: float = INTERVAL,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        burst: int = 1,
    ) -> None:
        self.interval, self.clock, self.sleep = interval, clock, sleep
        self._slack = (burst - 1) * interval
        self._next: dict[str, float] = {}
        """Per conversation, when its next message would be due at the steady pace."""
        self._lock = threading.Lock()

    def wait(self, delivery: Delivery, most: float) -> float | None:
        """Waits until `delivery` may go out and returns the seconds waited (0 for what is
        not paced); None, without waiting, when that would take longer than `most`."""
        ahead = self._reserve(delivery, most)
        if ahead is None:
            return None
        if ahead > 0:
            self.sleep(ahead)
        return ahead

    def take(self, delivery: Delivery) -> float:
        """0 when `delivery` may go out now (its turn is taken), else the seconds until it
        may; nothing is taken then, and nothing waits."""
        ahead = self._reserve(delivery, 0.0)
        return 0.0 if ahead is not None else max(self._ahead(delivery), 1e-3)

    def _ahead(self, delivery: Delivery) -> float:
        with self._lock:
            now = self.clock()
            due = self._next.get(delivery.notification.recipient, now)
            return max(0.0, due - self._slack - now)

    def _reserve(self, delivery: Delivery, most: float) -> float | None:
        notification = delivery.notification
        if notification.kind in UNPACED or notification.recipient == CUSTOMER:
            return 0.0
        key = notification.recipient
        with self._lock:
            now = self.clock()
            due = self._next.get(key, now)
            at = max(now, due - self._slack)
            if at - now > most:
                return None
            self._next[key] = max(due, at) + self.interval
            if len(self._next) > 10_000:  # forget conversations long quiet
                self._next = {k: t for k, t in self._next.items() if t > now}
        return at - now
