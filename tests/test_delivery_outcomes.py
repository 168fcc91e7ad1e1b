"""What the dispatcher does with each outcome of a send: sent, retry later, undeliverable,
obsolete, a sender bug."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.blocks.notifications import render
from bot.bootstrap import Runtime
from bot.domain.model import Status
from bot.services.delivery import (
    MAX_ATTEMPTS,
    MAX_BACKOFF,
    Obsolete,
    RetryLater,
    Undeliverable,
    backoff,
)
from bot.services.ports import Kind, Notification
from bot.services.subjects import Subject
from tests.conftest import Clock
from tests.delivery_steps import FakeSender, add, approved, deliver, row


def test_a_sent_message_records_where_it_landed(runtime: Runtime, clock: Clock) -> None:
    (outbox_id,) = add(runtime)
    sender = FakeSender(lambda d: {"channel": "DACME1", "ts": "1700000000.000100"})

    report = deliver(runtime, sender, clock)

    assert (report.sent, report.retried, report.dead, report.errors) == (1, 0, 0, [])
    assert [d.id for d in sender.sent] == [outbox_id]
    assert sender.sent[0].notification == Notification(Kind.DECISION, "UACME1")
    assert sender.sent[0].attempts == 1
    sent = row(runtime, outbox_id)
    assert (sent.status, sent.attempts, sent.sent_at, sent.claimed_until) == (
        "sent",
        1,
        clock.now,
        None,
    )
    assert sent.result == {"channel": "DACME1", "ts": "1700000000.000100"}
    # Sent is sent: never again, however late it gets.
    clock.advance(timedelta(days=1))
    assert deliver(runtime, sender, clock).sent == 0
    assert len(sender.sent) == 1


def test_retry_later_with_after_waits_exactly_that_long(runtime: Runtime, clock: Clock) -> None:
    (outbox_id,) = add(runtime)
    sender = FakeSender(lambda d: RetryLater("ratelimited", timedelta(seconds=30)))
    start = clock.now

    report = deliver(runtime, sender, clock)

    assert (report.sent, report.retried, report.dead) == (0, 1, 0)
    assert report.errors == [f"{outbox_id}: ratelimited"]
    waiting = row(runtime, outbox_id)
    assert waiting.status == "pending"
    assert waiting.next_attempt_at == start + timedelta(seconds=30)
    assert waiting.last_error == "ratelimited"
    assert waiting.claimed_until is None
    clock.advance(timedelta(seconds=29))
    assert deliver(runtime, sender, clock).retried == 0, "not due yet"
    assert len(sender.sent) == 1
    clock.advance(timedelta(seconds=1))
    sender.answer = lambda d: {"ts": "1.0"}
    assert deliver(runtime, sender, clock).sent == 1
    assert [d.attempts for d in sender.sent] == [1, 2]
    assert row(runtime, outbox_id).status == "sent"


def test_retry_later_without_after_backs_off_exponentially(runtime: Runtime, clock: Clock) -> None:
    (outbox_id,) = add(runtime)
    sender = FakeSender(lambda d: RetryLater("HTTP 503: service_unavailable"))
    waits = []
    for _ in range(4):
        before = clock.now
        assert deliver(runtime, sender, clock).retried == 1
        due = row(runtime, outbox_id).next_attempt_at
        waits.append(due - before)
        clock.now = due
    for attempt, wait in enumerate(waits, start=1):
        base = timedelta(seconds=2**attempt)
        assert base * 0.5 <= wait <= base * 1.5, (attempt, wait)
    assert row(runtime, outbox_id).last_error == "HTTP 503: service_unavailable"


def test_backoff_is_capped_and_jittered() -> None:
    assert backoff(1, lambda: 0.5) == timedelta(seconds=2)
    assert backoff(3, lambda: 0.0) == timedelta(seconds=4)
    assert backoff(3, lambda: 1.0) == timedelta(seconds=12)
    assert backoff(40, lambda: 0.5) == MAX_BACKOFF
    assert backoff(10_000, lambda: 1.0) == MAX_BACKOFF * 1.5


def test_undeliverable_goes_to_the_dead_letters_at_once(runtime: Runtime, clock: Clock) -> None:
    (outbox_id,) = add(runtime)
    sender = FakeSender(lambda d: Undeliverable("channel_not_found"))

    report = deliver(runtime, sender, clock)

    assert (report.sent, report.retried, report.dead) == (0, 0, 1)
    dead = row(runtime, outbox_id)
    assert (dead.status, dead.last_error, dead.claimed_until) == ("dead", "channel_not_found", None)
    clock.advance(timedelta(days=2))
    assert deliver(runtime, sender, clock).dead == 0
    assert len(sender.sent) == 1, "a dead letter is not retried"


def test_an_obsolete_message_is_skipped_not_sent_nor_retried(
    runtime: Runtime, clock: Clock
) -> None:
    (outbox_id,) = add(runtime)
    sender = FakeSender(lambda d: Obsolete("the review was decided meanwhile"))

    report = deliver(runtime, sender, clock)

    assert (report.sent, report.retried, report.dead, report.skipped) == (0, 0, 0, 1)
    assert row(runtime, outbox_id).status == "skipped"
    clock.advance(timedelta(days=2))
    assert deliver(runtime, sender, clock).skipped == 0
    assert len(sender.sent) == 1


def test_a_reminder_for_a_deleted_registration_is_obsolete() -> None:
    deleted = approved()
    deleted.status = Status.DELETED
    with pytest.raises(Obsolete):
        render(Kind.EXPIRY_REMINDER, Subject(deleted, None))
    with pytest.raises(Obsolete):
        render(Kind.REVIEW_OVERDUE, Subject(approved(), None, payload={"reviewers": ["UREV1"]}))


def test_a_message_that_keeps_failing_dies_after_max_attempts(
    runtime: Runtime, clock: Clock
) -> None:
    (outbox_id,) = add(runtime)
    sender = FakeSender(lambda d: RetryLater("HTTP 500: internal_error", timedelta(seconds=1)))
    for attempt in range(1, MAX_ATTEMPTS):
        report = deliver(runtime, sender, clock)
        assert (report.retried, report.dead) == (1, 0), attempt
        clock.advance(timedelta(seconds=1))

    report = deliver(runtime, sender, clock)

    assert (report.retried, report.dead) == (0, 1)
    assert len(sender.sent) == MAX_ATTEMPTS
    dead = row(runtime, outbox_id)
    assert (dead.status, dead.attempts) == ("dead", MAX_ATTEMPTS)
    assert dead.last_error is not None
    assert f"gave up after {MAX_ATTEMPTS} attempts" in dead.last_error
    clock.advance(timedelta(days=1))
    assert deliver(runtime, sender, clock).dead == 0
    assert len(sender.sent) == MAX_ATTEMPTS


def test_a_sender_bug_does_not_hold_back_the_other_messages(runtime: Runtime, clock: Clock) -> None:
    """An unexpected exception is a retry with backoff for that row, not a lost batch."""
    broken, fine = add(runtime, 2)
    sender = FakeSender(
        lambda d: KeyError("text") if d.id == broken else {"channel": "D1", "ts": "1.0"}
    )

    report = deliver(runtime, sender, clock)

    assert (report.sent, report.retried, report.dead) == (1, 1, 0)
    assert row(runtime, fine).status == "sent"
    failed = row(runtime, broken)
    assert failed.status == "pending"
    assert failed.claimed_until is None
    assert failed.next_attempt_at > clock.now
    assert failed.last_error is not None and "KeyError" in failed.last_error
    # ...and it too ends in the dead letters rather than being retried forever.
    for _ in range(MAX_ATTEMPTS - 1):
        clock.advance(MAX_BACKOFF * 2)
        deliver(runtime, sender, clock)
    assert row(runtime, broken).status == "dead"
