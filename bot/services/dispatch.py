"""The outbox delivered continuously: while one recipient's messages wait their turn (the
reviewers' channel at one post a second) or wait for a slow Slack, the others' go on.

Each claim takes due rows only of the recipients that have nothing in flight, here or at
another replica (`Outbox.claim_in_order`): a recipient's lane is claimed again once
it is done, so its messages still go out in the order written. A lane is sent one message
per step; a step that would wait for the conversation's pace says how long instead, so a
worker never sleeps on it. Leases, retries, dead letters and orphans are the rounds' own
(bot.services.delivery).
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime

from bot.services.context import Context
from bot.services.delivery import LEASE, SEND_BUDGET
from bot.services.delivery_outcome import DeliveryReport, Sender, deliver_one, hand_back
from bot.services.lanes import Pacer, lane_of, lanes
from bot.services.ports import Delivery


@dataclass
class Lane:
    """One recipient's claimed messages, oldest first."""

    recipient: str
    key: str
    """bot.services.lanes.lane_of its messages."""
    waiting: deque[Delivery]
    last_start: datetime
    """After this, what is left goes back: its lease would run out while it is sent."""
    lease_end: datetime
    report: DeliveryReport = field(default_factory=DeliveryReport)
    sending: int | None = None
    """The row being sent now, taken from `waiting`."""
    lock: threading.Lock = field(default_factory=threading.Lock)
    """Between the worker stepping the lane and a claim joining it."""

    def join(self, later: Lane) -> None:
        """Rows of this lane claimed again while it is in flight (its lease ran out by the
        clock, which a test may move by hours): one lane still, in the order written, under
        the newer lease, and the row being sent now is not sent twice."""
        with self.lock:
            rows = {d.id: d for d in [*self.waiting, *later.waiting] if d.id != self.sending}
            self.waiting = deque(rows[i] for i in sorted(rows))
            self.last_start, self.lease_end = later.last_start, later.lease_end


@dataclass(frozen=True)
class Dispatch:
    """What the server's outbox workers run: `claim` new lanes, then `step` each until done.
    `sender` and `pacer` as for a round (bot.services.delivery.DeliverDue)."""

    sender: Sender
    ctx: Context
    owner: str | None = None
    pacer: Pacer | None = None
    limit: int = 50

    def claim(self) -> list[Lane]:
        uow, now = self.ctx.uow, self.ctx.clock()
        with uow() as claiming:
            claimed = claiming.outbox.claim_in_order(now, LEASE, self.limit, self.owner)
            claiming.commit()
        last_start = now + LEASE - SEND_BUDGET
        return [
            Lane(
                lane[0].notification.recipient,
                lane_of(lane[0].notification),
                deque(lane),
                last_start,
                now + LEASE,
            )
            for lane in lanes(claimed)
        ]

    def step(self, lane: Lane) -> float | None:
        """Send the lane's next message if its turn has come; the seconds until it comes,
        or None once the lane is done."""
        clock = self.ctx.clock
        with lane.lock:
            if not lane.waiting:
                return None
            if clock() > lane.last_start:
                # A slow lane: the rest goes back, due now, rather than be sent late. (Past
                # the lease it is anyone's already: handing back could undo another's claim.)
                if clock() < lane.lease_end:
                    hand_back(list(lane.waiting), self.ctx.uow, clock)
                lane.waiting.clear()
                return None
            ahead = 0.0 if self.pacer is None else self.pacer.take(lane.waiting[0])
            if ahead > 0:
                return ahead
            delivery = lane.waiting.popleft()
            lane.sending = delivery.id
        try:
            deliver_one(delivery, self.ctx.uow, self.sender, clock, lane.report, self.ctx.policy)
        finally:
            with lane.lock:
                lane.sending = None
                more = bool(lane.waiting)
        return 0.0 if more else None

    def put_back(self, lane: Lane) -> None:
        """Untried rows of a lane given up (the process stopping): claimable again at once,
        as if never claimed."""
        if lane.waiting and self.ctx.clock() < lane.lease_end:
            with self.ctx.uow() as handing_back:
                handing_back.outbox.unclaim([d.id for d in lane.waiting])
                handing_back.commit()
        lane.waiting.clear()
