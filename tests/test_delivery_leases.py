"""Claims, leases and batches: no row is sent twice, and each send reads its subject fresh."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

from bot.bootstrap import Runtime
from bot.domain.model import Customer, Partner, Reason, ReasonCode, Registration
from bot.services.delivery import LEASE
from bot.services.ports import REVIEWERS, Delivery, Kind, Notification
from tests.conftest import Clock
from tests.delivery_steps import FakeSender, add, deliver, row, rows


def test_a_claimed_row_waits_for_its_lease_to_run_out(runtime: Runtime, clock: Clock) -> None:
    """A dispatcher that claimed and died: its row comes back after the lease, not before."""
    (outbox_id,) = add(runtime)
    with runtime.context.uow() as uow:
        crashed = uow.outbox.claim(clock.now, LEASE, 10)
        uow.commit()
    assert [d.id for d in crashed] == [outbox_id]
    sender = FakeSender()

    assert deliver(runtime, sender, clock).sent == 0
    clock.advance(LEASE - timedelta(seconds=1))
    assert deliver(runtime, sender, clock).sent == 0
    assert sender.sent == []
    clock.advance(timedelta(seconds=1))
    assert deliver(runtime, sender, clock).sent == 1
    assert [(d.id, d.attempts) for d in sender.sent] == [(outbox_id, 2)]
    assert row(runtime, outbox_id).status == "sent"


def test_a_slow_batch_never_sends_a_row_whose_lease_ran_out(runtime: Runtime, clock: Clock) -> None:
    """Slack answering slowly: one dispatcher's batch outlasts its lease. The rows it has not
    reached by then are left to the next claimer, never sent by both."""
    ids = add(runtime, 6)
    per_send = timedelta(seconds=50)  # slow, though within the client's timeouts
    other = FakeSender()

    def slow(delivery: Delivery) -> dict[str, Any]:
        clock.advance(per_send)
        # Meanwhile another replica looks for due rows, as replicas do every few seconds.
        deliver(runtime, other, clock)
        return {"ts": f"{delivery.id}.0"}

    first = FakeSender(slow)
    report = deliver(runtime, first, clock)
    while deliver(runtime, other, clock).claimed_all:
        pass

    sent_by_first = [d.id for d in first.sent]
    sent_by_other = [d.id for d in other.sent]
    assert sorted(sent_by_first + sent_by_other) == ids, "each row sent exactly once"
    assert sent_by_first and sent_by_other
    assert report.claimed_all, "rows were handed back: the caller should look again"
    assert {r.status for r in rows(runtime)} == {"sent"}


def test_the_batch_limit_says_when_more_may_be_waiting(runtime: Runtime, clock: Clock) -> None:
    add(runtime, 5)
    sender = FakeSender()
    first = deliver(runtime, sender, clock, limit=3)
    assert (first.sent, first.claimed_all) == (3, True)
    second = deliver(runtime, sender, clock, limit=3)
    assert (second.sent, second.claimed_all) == (2, False)
    assert sorted(d.id for d in sender.sent) == [r.id for r in rows(runtime)]


def test_two_dispatchers_never_send_the_same_row(runtime: Runtime, clock: Clock) -> None:
    count, workers = 60, 4
    ids = add(runtime, count)
    sender = FakeSender()
    barrier = threading.Barrier(workers)
    failures: list[BaseException] = []

    def dispatcher() -> None:
        try:
            barrier.wait()
            while deliver(runtime, sender, clock, limit=4).claimed_all:
                pass
        except BaseException as error:  # surfaced below, not lost in the thread
            failures.append(error)

    threads = [threading.Thread(target=dispatcher) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert failures == []
    sent = [d.id for d in sender.sent]
    assert sorted(sent) == ids, "every row sent exactly once"
    assert {r.status for r in rows(runtime)} == {"sent"}
    assert {d.attempts for d in sender.sent} == {1}


def test_the_subject_is_loaded_fresh_for_each_send(runtime: Runtime, clock: Clock) -> None:
    partner = Partner("acme", "Acme", "DE", email="s@acme.de", slack_user_ids=("UACME1",))
    customer = Customer("Kunde", "FR", email="x@kunde.fr")
    with runtime.context.uow() as uow:
        uow.partners.add(partner, clock.now)
        registration = uow.registrations.add(
            Registration.pending_review(
                "acme",
                customer,
                (Reason(ReasonCode.COUNTRY_MISMATCH),),
                "why",
                clock.now,
                clock.now + timedelta(days=2),
            )
        )
        uow.commit()  # the new request queues its card itself
    sender = FakeSender(lambda d: {"channel": "C0REVIEW", "ts": "5.0"})
    deliver(runtime, sender, clock)
    with runtime.context.uow() as uow:
        uow.outbox.add(Notification(Kind.REVIEW_DECIDED, REVIEWERS, registration.id), clock.now)
        uow.commit()
    deliver(runtime, sender, clock)

    first, second = [
        s
        for d, s in zip(sender.sent, sender.subjects, strict=True)
        if d.notification.kind in (Kind.REVIEW_REQUEST, Kind.REVIEW_DECIDED)
    ]
    assert first.registration is not None and first.registration.id == registration.id
    assert first.partner is not None and first.partner.id == "acme"
    assert first.review_card is None
    assert second.review_card == {"channel": "C0REVIEW", "ts": "5.0"}
