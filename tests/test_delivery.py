"""Delivering the outbox: the dispatcher with a hand-written sender, and SlackSender against
the Slack stand-in. The dispatcher tests run on SQLite and PostgreSQL, with a hand-moved clock."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.orm import OutboxRow
from bot.adapters.slack_sender import METADATA_EVENT, SlackSender, delivery_client
from bot.blocks.notifications import render
from bot.bootstrap import Runtime
from bot.domain.model import Customer, Partner, Reason, ReasonCode, Registration, Status
from bot.services.delivery import (
    LEASE,
    MAX_ATTEMPTS,
    MAX_BACKOFF,
    DeliverDue,
    DeliveryReport,
    Obsolete,
    RetryLater,
    Undeliverable,
    backoff,
    deliver_due,
)
from bot.services.ports import REVIEWERS, Delivery, Kind, Notification
from bot.services.subjects import Subject
from tests.conftest import Clock
from tests.slack_standin import SlackStandin

# --------------------------------------------------------------------------
# The dispatcher, with a sender that does what each test tells it
# --------------------------------------------------------------------------


@dataclass
class FakeSender:
    """Answers each send with `answer(delivery)`: a result dict, or an exception to raise."""

    answer: Callable[[Delivery], dict[str, Any] | Exception] = lambda d: {"ts": f"{d.id}.0"}
    sent: list[Delivery] = field(default_factory=list)
    subjects: list[Subject] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, delivery: Delivery, subject: Subject) -> dict[str, Any]:
        with self.lock:
            self.sent.append(delivery)
            self.subjects.append(subject)
        outcome = self.answer(delivery)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


def add(runtime: Runtime, count: int = 1, recipient: str = "UACME1") -> list[int]:
    """Queue `count` DMs; return their outbox ids."""
    context = runtime.context
    with context.uow() as uow:
        for _ in range(count):
            uow.outbox.add(Notification(Kind.DECISION, recipient), context.now())
        uow.commit()
    return [row.id for row in rows(runtime)][-count:]


def rows(runtime: Runtime) -> list[OutboxRow]:
    with Session(runtime.engine) as session:
        return list(session.scalars(select(OutboxRow).order_by(OutboxRow.id)))


def row(runtime: Runtime, outbox_id: int) -> OutboxRow:
    (found,) = [r for r in rows(runtime) if r.id == outbox_id]
    return found


def deliver(runtime: Runtime, sender: FakeSender, clock: Clock, limit: int = 50) -> DeliveryReport:
    assert runtime.context.clock == clock  # the runtime runs on the test's clock
    return deliver_due(DeliverDue(sender, limit=limit), runtime.context)


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


# --------------------------------------------------------------------------
# SlackSender against the stand-in
# --------------------------------------------------------------------------

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
ACME = Partner("acme", "Acme & Co", "DE", email="s@acme.de", slack_user_ids=("UACME1", "UACME2"))


def pending(registration_id: int = 7) -> Registration:
    registration = Registration.pending_review(
        "acme",
        Customer("Kunde <!channel>", "FR", email="x@kunde.fr"),
        (Reason(ReasonCode.COUNTRY_MISMATCH, {"customer_country": "FR", "partner_country": "DE"}),),
        "Met at a fair",
        NOW,
        NOW + timedelta(days=2),
        created_by="UACME1",
    )
    registration.id = registration_id
    return registration


def approved(registration_id: int = 7) -> Registration:
    registration = pending(registration_id)
    registration.approve("UREV1", NOW + timedelta(hours=1), timedelta(days=15))
    return registration


def delivery(kind: Kind, recipient: str = REVIEWERS, outbox_id: int = 42) -> Delivery:
    return Delivery(outbox_id, Notification(kind, recipient, 7), 1)


@pytest.fixture
def sender(slack: SlackStandin) -> SlackSender:
    return SlackSender(delivery_client(slack.url, slack.token, timeout=5), "C0REVIEW")


def test_a_review_request_lands_in_the_review_channel_marked_with_its_outbox_id(
    slack: SlackStandin, sender: SlackSender
) -> None:
    result = sender.send(delivery(Kind.REVIEW_REQUEST), Subject(pending(), ACME))

    assert result["channel"] == "C0REVIEW"
    message = slack.message("C0REVIEW", result["ts"])
    assert message["metadata"] == {"event_type": METADATA_EVENT, "event_payload": {"id": 42}}
    assert "Approve" in str(message["blocks"]) and "Reject" in str(message["blocks"])
    (call,) = slack.calls("chat.postMessage")
    assert call.args["unfurl_links"] is False
    assert "<!channel>" not in call.args["text"]
    slack.assert_clean()


def test_a_decision_is_a_dm_through_conversations_open(
    slack: SlackStandin, sender: SlackSender
) -> None:
    result = sender.send(delivery(Kind.DECISION, "UACME2", 43), Subject(approved(), ACME))

    (opened,) = slack.calls("conversations.open")
    assert opened.args["users"] == "UACME2"
    dm = slack.dm_channel("UACME2")
    assert result["channel"] == dm and dm.startswith("D")
    message = slack.message(dm, result["ts"])
    assert message["metadata"]["event_payload"] == {"id": 43}
    assert "pre-registered" in message["text"]
    slack.assert_clean()


def test_a_decided_card_is_updated_in_place(slack: SlackStandin, sender: SlackSender) -> None:
    card = sender.send(delivery(Kind.REVIEW_REQUEST), Subject(pending(), ACME))

    result = sender.send(
        delivery(Kind.REVIEW_DECIDED, outbox_id=44), Subject(approved(), ACME, card)
    )

    assert result == card
    (update_call,) = slack.calls("chat.update")
    assert (update_call.args["channel"], update_call.args["ts"]) == (card["channel"], card["ts"])
    updated = slack.message(card["channel"], card["ts"])
    assert "Approved by <@UREV1>" in str(updated["blocks"])
    assert all(block["type"] != "actions" for block in updated["blocks"])
    assert len(slack.messages("C0REVIEW")) == 1
    slack.assert_clean()


def test_a_decision_before_the_card_is_posted_waits_for_the_card(
    slack: SlackStandin, sender: SlackSender
) -> None:
    with pytest.raises(RetryLater):
        sender.send(delivery(Kind.REVIEW_DECIDED), Subject(approved(), ACME, None))
    assert slack.calls() == []


@pytest.mark.parametrize("retry_after", [1, 7])
def test_rate_limited_is_retried_after_retry_after(
    slack: SlackStandin, sender: SlackSender, retry_after: int
) -> None:
    slack.fail_next("chat.postMessage", status=429, retry_after=retry_after)

    with pytest.raises(RetryLater) as raised:
        sender.send(delivery(Kind.REVIEW_REQUEST), Subject(pending(), ACME))

    assert raised.value.after == timedelta(seconds=retry_after)
    assert len(slack.calls("chat.postMessage")) == 1, "the client itself must not retry a 429"
    assert slack.messages("C0REVIEW") == []


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_retried_with_backoff(
    slack: SlackStandin, sender: SlackSender, status: int
) -> None:
    slack.fail_next("chat.postMessage", status=status)

    with pytest.raises(RetryLater) as raised:
        sender.send(delivery(Kind.REVIEW_REQUEST), Subject(pending(), ACME))

    assert raised.value.after is None, "no Retry-After: the dispatcher's backoff decides"
    assert len(slack.calls("chat.postMessage")) == 1


def test_a_server_error_on_chat_update_is_retried(slack: SlackStandin, sender: SlackSender) -> None:
    card = sender.send(delivery(Kind.REVIEW_REQUEST), Subject(pending(), ACME))
    slack.fail_next("chat.update", status=500)
    with pytest.raises(RetryLater):
        sender.send(delivery(Kind.REVIEW_DECIDED), Subject(approved(), ACME, card))


@pytest.mark.parametrize(
    ("method", "error"),
    [
        ("chat.postMessage", "channel_not_found"),
        ("chat.postMessage", "not_in_channel"),
        ("chat.postMessage", "invalid_auth"),
        ("chat.postMessage", "is_archived"),
        ("chat.postMessage", "invalid_blocks"),
        ("conversations.open", "user_not_found"),
        ("conversations.open", "cannot_dm_bot"),
    ],
)
def test_permanent_errors_are_undeliverable(
    slack: SlackStandin, sender: SlackSender, method: str, error: str
) -> None:
    slack.fail_next(method, error=error)

    with pytest.raises(Undeliverable, match=error):
        sender.send(delivery(Kind.DECISION, "UACME1"), Subject(approved(), ACME))

    assert len(slack.calls(method)) == 1


def test_message_not_found_on_update_is_undeliverable(
    slack: SlackStandin, sender: SlackSender
) -> None:
    gone = {"channel": "C0REVIEW", "ts": "1.000001"}  # deleted by someone in the channel
    with pytest.raises(Undeliverable, match="message_not_found"):
        sender.send(delivery(Kind.REVIEW_DECIDED), Subject(approved(), ACME, gone))


def test_an_unknown_slack_error_is_retried(slack: SlackStandin, sender: SlackSender) -> None:
    slack.fail_next("chat.postMessage", error="fatal_error")
    with pytest.raises(RetryLater, match="fatal_error"):
        sender.send(delivery(Kind.REVIEW_REQUEST), Subject(pending(), ACME))


class _BadGateway(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = b"<html><body>502 Bad Gateway</body></html>"
        self.send_response(502)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_a_proxy_error_page_instead_of_json_is_retried() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _BadGateway)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/api/"
        proxy = SlackSender(delivery_client(url, "xoxb-x", 2), "C0")
        with pytest.raises(RetryLater, match="HTTP 502"):
            proxy.send(delivery(Kind.REVIEW_REQUEST), Subject(pending(), ACME))
    finally:
        server.shutdown()
        server.server_close()


def test_slack_unreachable_is_retried() -> None:
    closed = SlackSender(delivery_client("http://127.0.0.1:9/api/", "xoxb-x", timeout=2), "C0")
    with pytest.raises(RetryLater):
        closed.send(delivery(Kind.REVIEW_REQUEST), Subject(pending(), ACME))


@pytest.mark.parametrize(
    ("kind", "subject"),
    [
        (Kind.DECISION, Subject(pending(), ACME)),  # not decided: nothing to announce
        (Kind.REVIEW_REQUEST, Subject()),  # the registration is gone
        (Kind.REVIEW_REQUEST, Subject(pending(), None)),  # its company is gone
        (Kind.DECISION, Subject()),
    ],
)
def test_a_message_that_cannot_be_rendered_is_undeliverable(
    slack: SlackStandin, sender: SlackSender, kind: Kind, subject: Subject
) -> None:
    with pytest.raises(Undeliverable, match="cannot render"):
        sender.send(delivery(kind, "UACME1"), subject)
    assert slack.calls() == []
