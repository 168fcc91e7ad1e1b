"""The outbox goes out lane by lane: recipients side by side, each recipient's messages in
the order they were written, each conversation at one message a second. On SQLite and
PostgreSQL, with the dispatcher's real workers and a sender that does what the test says."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from bot.adapters.outbox_worker import LaneWorkers
from bot.bootstrap import Runtime
from bot.services.delivery import DeliverDue, deliver_due
from bot.services.lanes import Pacer
from bot.services.ports import REVIEWERS, Delivery, Kind, Notification
from tests.conftest import Clock
from tests.delivery_steps import FakeSender, add, row


class FakeTime:
    """A monotonic clock that only sleeping moves."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def workers() -> Iterator[LaneWorkers]:
    lanes = LaneWorkers(4)
    yield lanes
    lanes.close()


def test_a_slow_recipient_does_not_hold_up_another(
    runtime: Runtime, clock: Clock, workers: LaneWorkers
) -> None:
    (slow,) = add(runtime, recipient="UACME1")
    (quick,) = add(runtime, recipient="UBETA1")
    quick_sent = threading.Event()

    def answer(delivery: Delivery) -> dict[str, str]:
        if delivery.id == slow:  # returns only once the other recipient's message went out
            assert quick_sent.wait(10), "the other lane waited behind this one"
        else:
            quick_sent.set()
        return {"ts": f"{delivery.id}.0"}

    report = deliver_due(DeliverDue(FakeSender(answer), run=workers.run), runtime.context)

    assert report.sent == 2 and report.errors == []
    assert row(runtime, slow).status == row(runtime, quick).status == "sent"


def test_one_recipients_messages_go_out_in_the_order_written(
    runtime: Runtime, clock: Clock, workers: LaneWorkers
) -> None:
    cards = add(runtime, 5, recipient=REVIEWERS)
    dms = add(runtime, 5, recipient="UACME1")
    sender = FakeSender()

    assert deliver_due(DeliverDue(sender, run=workers.run), runtime.context).sent == 10

    order = [d.id for d in sender.sent]
    assert [i for i in order if i in cards] == cards
    assert [i for i in order if i in dms] == dms


def test_a_conversation_gets_a_message_a_second_and_the_rest_waits_its_turn(
    runtime: Runtime, clock: Clock
) -> None:
    first, second, third = add(runtime, 3, recipient="UACME1")
    (other,) = add(runtime, recipient="UBETA1")
    time = FakeTime()
    pacer = Pacer(clock=time.clock, sleep=time.sleep)
    sender = FakeSender()

    report = deliver_due(DeliverDue(sender, pacer=pacer), runtime.context)

    # The first at once, the second a second later; the third would wait beyond the round's
    # pace, so it is handed back untried, due as it was, and the other recipient is not held.
    assert [d.id for d in sender.sent] == [first, second, other]
    assert time.slept == [1.0]
    assert report.claimed_all, "the dispatcher comes back for what it handed back"
    waiting = row(runtime, third)
    assert (waiting.status, waiting.attempts, waiting.claimed_until) == ("pending", 0, None)

    report = deliver_due(DeliverDue(sender, pacer=pacer), runtime.context)
    assert [d.id for d in sender.sent][-1] == third and report.sent == 1
    assert time.slept == [1.0, 1.0]
    assert row(runtime, third).attempts == 1


def test_a_message_changed_in_place_is_not_paced_and_does_not_move_the_next_post(
    runtime: Runtime, clock: Clock
) -> None:
    context = runtime.context
    with context.uow() as uow:
        uow.outbox.add(Notification(Kind.REVIEW_REQUEST, REVIEWERS), context.now())
        for _ in range(3):  # the card decided, changed in place each time
            uow.outbox.add(Notification(Kind.REVIEW_DECIDED, REVIEWERS), context.now())
        uow.outbox.add(Notification(Kind.REVIEW_REQUEST, REVIEWERS), context.now())
        uow.commit()
    time = FakeTime()
    sender = FakeSender()

    deliver_due(DeliverDue(sender, pacer=Pacer(clock=time.clock, sleep=time.sleep)), context)

    kinds = [d.notification.kind for d in sender.sent]
    assert kinds == [Kind.REVIEW_REQUEST, *[Kind.REVIEW_DECIDED] * 3, Kind.REVIEW_REQUEST]
    assert time.slept == [1.0], "only the second post waits, a second after the first"
