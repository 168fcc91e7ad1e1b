"""The server's outbox, delivered continuously (bot.services.dispatch, bot.adapters.outbox_worker):
a recipient waiting for its conversation's pace, or for a slow Slack, holds up no other
recipient's message, even one written after it; a recipient's messages still go out in the
order written, whichever claimer takes them. On SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from bot.adapters.outbox_worker import OutboxWorker
from bot.bootstrap import Runtime
from bot.services.delivery import LEASE
from bot.services.dispatch import Dispatch, Lane
from bot.services.lanes import Pacer
from bot.services.ports import Delivery, Kind, Notification
from tests.conftest import Clock
from tests.delivery_steps import FakeSender, add, row
from tests.server_steps import until
from tests.test_delivery_lanes import FakeTime


def step_until_done(dispatch: Dispatch, lane: Lane) -> None:
    while dispatch.step(lane) is not None:
        pass


def test_a_lane_waiting_for_its_pace_says_how_long_and_never_sleeps(
    runtime: Runtime, clock: Clock
) -> None:
    first, second = add(runtime, 2, recipient="UACME1")
    (other,) = add(runtime, recipient="UBETA1")
    time = FakeTime()
    sender = FakeSender()
    dispatch = Dispatch(sender, runtime.context, pacer=Pacer(clock=time.clock, sleep=time.sleep))

    acme, beta = dispatch.claim()

    assert (acme.recipient, beta.recipient) == ("UACME1", "UBETA1")
    assert dispatch.step(acme) == 0.0, "the first goes at once; more to come"
    assert dispatch.step(acme) == 1.0, "the second's turn is a second away"
    assert dispatch.step(beta) is None, "the other recipient went meanwhile; its lane is done"
    assert [d.id for d in sender.sent] == [first, other]
    time.now += 1.0
    assert dispatch.step(acme) is None
    assert [d.id for d in sender.sent] == [first, other, second]
    assert time.slept == []
    assert {row(runtime, i).status for i in (first, second, other)} == {"sent"}


def test_a_recipient_in_flight_is_claimed_again_only_once_its_lane_is_done(
    runtime: Runtime, clock: Clock
) -> None:
    first, second = add(runtime, 2, recipient="UACME1")
    here = Dispatch(FakeSender(), runtime.context, owner="here", limit=1)
    replica = FakeSender()
    there = Dispatch(replica, runtime.context, owner="there")

    (lane,) = here.claim()
    assert [d.id for d in lane.waiting] == [first]
    (later,) = add(runtime, recipient="UBETA1")

    # Another claimer takes the other recipient's message, not UACME1's second.
    (beta,) = there.claim()
    assert (beta.recipient, [d.id for d in beta.waiting]) == ("UBETA1", [later])
    assert row(runtime, second).claimed_until is None
    step_until_done(there, beta)

    step_until_done(here, lane)
    (again,) = there.claim()
    assert [d.id for d in again.waiting] == [second]
    step_until_done(there, again)
    assert [d.id for d in replica.sent] == [later, second]


def test_a_users_app_home_is_a_lane_apart_from_their_dms(runtime: Runtime, clock: Clock) -> None:
    context = runtime.context
    (dm,) = add(runtime, recipient="UACME1")
    dispatch = Dispatch(FakeSender(), context)
    (dms,) = dispatch.claim()
    with context.uow() as uow:
        uow.outbox.add(Notification(Kind.HOME_REFRESH, "UACME1"), context.now())
        uow.outbox.add(Notification(Kind.DECISION, "UACME1"), context.now())
        uow.commit()

    # The DM lane is in flight: the Home refresh is claimed, the later DM is not.
    (home,) = dispatch.claim()
    assert [d.notification.kind for d in home.waiting] == [Kind.HOME_REFRESH]
    assert [d.id for d in dms.waiting] == [dm]
    assert dispatch.claim() == []
    step_until_done(dispatch, dms)
    (later,) = dispatch.claim()
    assert [d.notification.kind for d in later.waiting] == [Kind.DECISION]


def test_a_lane_past_its_send_budget_hands_the_rest_back_due_now(
    runtime: Runtime, clock: Clock
) -> None:
    first, second = add(runtime, 2)
    sender = FakeSender()
    dispatch = Dispatch(sender, runtime.context)
    (lane,) = dispatch.claim()
    assert dispatch.step(lane) == 0.0

    clock.advance(LEASE / 2 + LEASE / 10)  # past the moment a send may still start
    assert dispatch.step(lane) is None

    assert [d.id for d in sender.sent] == [first]
    waiting = row(runtime, second)
    assert (waiting.status, waiting.claimed_until, waiting.next_attempt_at) == (
        "pending",
        None,
        clock.now,
    )


def test_the_pacer_lets_a_short_burst_through_then_one_a_second() -> None:
    time = FakeTime()
    pacer = Pacer(clock=time.clock, sleep=time.sleep, burst=3)
    post = Delivery(1, Notification(Kind.DECISION, "UACME1"), 1)
    elsewhere = Delivery(2, Notification(Kind.DECISION, "UBETA1"), 1)

    assert [pacer.take(post) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert pacer.take(post) == 1.0
    assert pacer.take(post) == 1.0, "a turn not taken is not counted"
    assert pacer.take(elsewhere) == 0.0
    time.now += 1.0
    assert pacer.take(post) == 0.0
    assert pacer.take(post) == 1.0
    assert pacer.wait(post, 5.0) == 1.0 and time.slept == [1.0]


@pytest.fixture
def sender_gate() -> Iterator[threading.Event]:
    gate = threading.Event()
    yield gate
    gate.set()  # never leave a worker waiting


def slow_first(
    runtime: Runtime, gate: threading.Event, opens_gate: bool
) -> tuple[int, threading.Event, FakeSender, OutboxWorker]:
    """A started worker whose send of UACME1's message waits for `gate`; any other send
    opens the gate if `opens_gate`."""
    (slow,) = add(runtime, recipient="UACME1")
    started = threading.Event()

    def answer(delivery: Delivery) -> dict[str, str]:
        if delivery.id == slow:
            started.set()
            assert gate.wait(10), "the later message waited behind this one"
        elif opens_gate:
            gate.set()
        return {"ts": f"{delivery.id}.0"}

    sender = FakeSender(answer)
    worker = OutboxWorker(Dispatch(sender, runtime.context), runtime.outbox_wake, poll=0.05)
    worker.start()
    return slow, started, sender, worker


def test_the_worker_sends_a_message_written_while_another_lane_is_in_flight(
    runtime: Runtime, clock: Clock, sender_gate: threading.Event
) -> None:
    slow, slow_started, sender, worker = slow_first(runtime, sender_gate, opens_gate=True)
    try:
        assert slow_started.wait(10)
        (quick,) = add(runtime, recipient="UBETA1")  # its commit wakes the worker
        assert sender_gate.wait(10)
    finally:
        worker.stop()

    assert [d.id for d in sender.sent] == [slow, quick]
    assert row(runtime, slow).status == row(runtime, quick).status == "sent"


def test_a_stopping_worker_hands_back_what_it_has_not_tried(runtime: Runtime, clock: Clock) -> None:
    first, second = add(runtime, 2)
    sender = FakeSender()
    slow_pace = Pacer(interval=3600.0)  # the second's turn would come in an hour
    worker = OutboxWorker(
        Dispatch(sender, runtime.context, pacer=slow_pace), runtime.outbox_wake, poll=0.05
    )
    worker.start()
    try:
        until(lambda: row(runtime, first).status == "sent", 10, "the first to go out")
    finally:
        worker.stop()

    assert [d.id for d in sender.sent] == [first]
    untried = row(runtime, second)
    assert (untried.status, untried.claimed_until, untried.attempts) == ("pending", None, 0)


def test_a_row_claimed_again_while_it_is_sent_goes_out_once(
    runtime: Runtime, clock: Clock, sender_gate: threading.Event
) -> None:
    """The lease runs out by the clock while the row is being sent (a test's clock moved by
    hours): the claim that takes it again joins the lane in flight instead of a twin."""
    slow, slow_started, sender, worker = slow_first(runtime, sender_gate, opens_gate=False)
    try:
        assert slow_started.wait(10)
        clock.advance(LEASE * 100)
        (other,) = add(runtime, recipient="UBETA1")  # wakes a claim, which takes both
        until(lambda: row(runtime, other).status == "sent", 10, "the other recipient's")
        assert row(runtime, slow).attempts == 2, "claimed again"
        sender_gate.set()
        until(lambda: row(runtime, slow).status == "sent", 10, "the slow one's record")
    finally:
        worker.stop()

    assert sorted(d.id for d in sender.sent) == [slow, other]
