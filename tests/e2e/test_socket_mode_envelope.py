"""Socket Mode meets the same hostile payloads as HTTP: refused before any listener, no
exception, nothing changed.

Over Socket Mode there is no signature and no slack_guard: Slack's WebSocket messages reach
Bolt through slack_sdk's client and Bolt's `SocketModeHandler`, whose subclass in
bot.web.socket_guard checks the envelope before Bolt dispatches. The test builds that handler
exactly as `prereg socket` does and feeds its client the WebSocket messages Slack would send (the
decoded text frames); only the socket itself is left out: what the handler sends back is
captured where the client would write it to the wire.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.web import envelope
from bot.web.slack_guard import parse
from bot.web.socket_guard import socket_mode_handler
from tests.e2e.conftest import Bot
from tests.e2e.fuzz_payloads import payloads, state
from tests.e2e.preregister_steps import database_state, seed_registrations
from tests.e2e.test_hostile_requests import NONSENSE, log_growth

EXAMPLES = 150


@dataclass
class Socket:
    """The Socket Mode handler of `prereg socket`, with its wire replaced by lists."""

    handler: SocketModeHandler
    sent: list[dict[str, Any]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    slowest: float = 0.0
    reached: list[dict[str, Any]] = field(default_factory=list)
    raised: list[BaseException] = field(default_factory=list)
    envelopes: Iterator[int] = field(default_factory=itertools.count)

    def receive(self, payload: Any, kind: str = "interactive") -> str:
        """Slack's message for `payload`, as the client reads it off the socket; its envelope id."""
        envelope_id = f"E{next(self.envelopes)}"
        message = {
            "type": kind,
            "envelope_id": envelope_id,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
        }
        raw = json.dumps(message)
        # What the client's reader thread does with each text frame, here in the test's thread.
        self.handler.client.run_message_listeners(json.loads(raw), raw)
        return envelope_id

    def acks(self, envelope_id: str) -> list[dict[str, Any]]:
        return [sent for sent in self.sent if sent.get("envelope_id") == envelope_id]


@pytest.fixture
def socket(bot: Bot) -> Iterator[Socket]:
    app = bot.runtime.slack_app(socket_mode=True)  # as `prereg socket` builds it
    handler = socket_mode_handler(app, "xapp-1-standin")
    wire = Socket(handler)
    client = handler.client
    client.send_message = lambda message: wire.sent.append(json.loads(message))  # type: ignore[method-assign]
    _record(app, wire)

    def run(client: Any, request: Any) -> None:
        try:
            handler.handle(client, request)
        except BaseException as escaped:  # what the client would only log, made visible
            wire.raised.append(escaped)

    client.socket_mode_request_listeners[:] = [run]
    try:
        yield wire
    finally:
        handler.close()  # type: ignore[no-untyped-call]
        app.listener_runner.listener_executor.shutdown(wait=True)


def _record(app: App, wire: Socket) -> None:
    """Each dispatch's status and time, and every body that got past the envelope check."""
    dispatch: Callable[[BoltRequest], BoltResponse] = app.dispatch

    def timed(request: BoltRequest) -> BoltResponse:
        started = time.monotonic()
        response = dispatch(request)
        wire.slowest = max(wire.slowest, time.monotonic() - started)
        wire.statuses.append(response.status)
        return response

    def past_the_check(body: dict[str, Any], next_: Callable[[], None]) -> None:
        wire.reached.append(body)
        next_()

    app.dispatch = timed  # type: ignore[method-assign, assignment]
    app.middleware(past_the_check)  # runs after the envelope check, before any listener


def as_socket_payload(raw: str | bytes, content_type: str) -> tuple[Any, str]:
    """What Slack would carry in a Socket Mode envelope for an HTTP body, and the envelope's
    type; a body that is not even JSON arrives as the text Slack would wrap it in."""
    try:
        body = parse(raw if isinstance(raw, bytes) else raw.encode(), content_type)
    except ValueError:
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
        return text, "interactive"
    if isinstance(body, dict) and "command" in body:
        return body, "slash_commands"
    if isinstance(body, dict) and body.get("type") == "event_callback":
        return body, "events_api"
    return body, "interactive"


def test_the_http_nonsense_is_refused_over_socket_mode_before_bolt(
    bot: Bot, socket: Socket, suite_log: Path
) -> None:
    before = database_state(bot)
    stopped_by_the_sdk = []
    with log_growth(suite_log) as grown:
        for case, (raw, kind) in NONSENSE.items():
            payload, envelope_type = as_socket_payload(raw, kind)
            envelope_id = socket.receive(payload, envelope_type)
            acks = socket.acks(envelope_id)
            if not isinstance(payload, dict | str):
                stopped_by_the_sdk.append(case)  # slack_sdk takes only an object or a text
                assert acks == [], case
            else:  # acknowledged with nothing in it, so that Slack does not send it again
                assert acks == [{"envelope_id": envelope_id}], case
    assert socket.statuses == []  # Bolt dispatched none of them
    assert socket.reached == []
    assert socket.raised == []
    assert sorted(stopped_by_the_sdk) == [
        "JSON list body",
        "payload 123",
        "payload []",
        "payload null",
    ]
    refused = len(NONSENSE) - len(stopped_by_the_sdk)
    assert grown["text"].count("refused malformed request") == refused
    failures = re.findall(r"Failed to run [^:]*: ([^|(]*)", grown["text"])
    assert set(failures) == {"Unsupported payload data type "}, failures
    assert database_state(bot) == before
    bot.slack.assert_clean()


def test_a_well_formed_command_goes_through_the_same_path(bot: Bot, socket: Socket) -> None:
    # The control: the check lets Slack's own shape through and the listener answers.
    command = {
        "command": "/preregister",
        "text": "help",
        "user_id": "UACME1",
        "channel_id": "C0GENERAL",
        "trigger_id": "1.2.socket",
        "response_url": bot.driver.response_url("C0GENERAL", "UACME1"),
    }
    envelope_id = socket.receive(command, "slash_commands")
    assert socket.statuses == [200]
    assert [body["command"] for body in socket.reached] == ["/preregister"]
    assert len(socket.acks(envelope_id)) == 1
    assert socket.raised == []


def test_fuzzed_payloads_over_socket_mode_raise_nothing_and_change_nothing(
    bot: Bot, socket: Socket, suite_log: Path
) -> None:
    targets = [r.id for r in seed_registrations(bot, "acme", [1, 3, 20]) if r.id is not None]
    before = state(bot)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(payloads(targets, bot.driver.response_url("C0GENERAL", "UBETA1")))
    def send(request: tuple[str, Any]) -> None:
        kind, content = request
        if kind == "command":
            body = {**content, "response_url": bot.driver.response_url("C0X", "UX")}
            socket.receive(body, "slash_commands")
        else:
            socket.receive(content if isinstance(content, dict | str) else {"x": content})

    with log_growth(suite_log) as grown:
        send()
    refused = grown["text"].count("refused malformed request")
    failed = [line for line in grown["text"].splitlines() if "listener failed" in line]
    untriggered = grown["text"].count("(invalid_trigger_id)")
    logging.getLogger(__name__).info(  # the figures, for the record (in the suite's log)
        f"fuzzed {EXAMPLES} payloads over Socket Mode: {refused} refused before Bolt, "
        f"statuses {dict(Counter(socket.statuses))}, slowest {socket.slowest:.2f} s, "
        f"{untriggered} answered try-again on Slack's refusal of the made-up trigger id"
    )
    assert socket.raised == []
    assert refused + len(socket.statuses) >= EXAMPLES
    assert all(status < 500 for status in socket.statuses), Counter(socket.statuses)
    assert socket.slowest < 3
    assert all(envelope.problem(body) is None for body in socket.reached)
    assert "Failed to run" not in grown["text"]
    # Slack (the stand-in) refusing the fuzz's made-up trigger id is answered, not a failure.
    assert failed == [], failed[:1]
    assert state(bot) == before
