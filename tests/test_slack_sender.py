"""The Slack sender against the Slack stand-in: where each message lands, and how each Slack error
is classified."""

from __future__ import annotations

import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from bot.adapters.slack_sender import METADATA_EVENT, SlackSender, delivery_client
from bot.services.delivery import RetryLater, Undeliverable
from bot.services.ports import Kind
from bot.services.subjects import Subject
from tests.delivery_steps import ACME, approved, delivery, pending
from tests.slack_standin import SlackStandin


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
