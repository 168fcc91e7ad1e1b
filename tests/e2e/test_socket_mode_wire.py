"""Socket Mode over a real WebSocket: the bot's slack_sdk client asks the stand-in's
`apps.connections.open` for a URL, connects to a loopback WebSocket server that speaks Slack's
envelope protocol (tests/slack_standin/socket_mode.py), and answers envelopes there.

Malformed frames and envelopes are survived on the same connection (no crash, no reconnect);
a malformed envelope is acknowledged and refused before Bolt; a well-formed one after them
still goes through.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.web.socket_guard import socket_mode_handler
from tests.e2e.conftest import Bot
from tests.e2e.preregister_steps import database_state
from tests.e2e.test_hostile_requests import NONSENSE, log_growth
from tests.e2e.test_socket_mode_envelope import as_socket_payload
from tests.slack_standin.socket_mode import APP_TOKEN, SocketModeEnd, socket_mode_end

# Text frames that are not envelopes at all; slack_sdk's client must outlive each of them.
JUNK_FRAMES = [
    "not json at all",
    "{broken json",
    "[1, 2, 3]",
    json.dumps({"type": "interactive"}),  # no envelope_id, no payload
    json.dumps({"type": "interactive", "envelope_id": "E-list", "payload": [1]}),
    json.dumps({"type": "hello"}),
    "",
]


@pytest.fixture
def wire(bot: Bot) -> Iterator[SocketModeEnd]:
    """`prereg socket`'s handler, connected through slack_sdk's own client."""
    with socket_mode_end() as end:
        bot.slack.api.socket_url = end.url
        app = bot.runtime.slack_app(socket_mode=True)
        handler = socket_mode_handler(app, APP_TOKEN)
        handler.connect()  # type: ignore[no-untyped-call]
        try:
            end.wait_connected()
            yield end
        finally:
            handler.close()  # type: ignore[no-untyped-call]
            app.listener_runner.listener_executor.shutdown(wait=True)
            bot.slack.api.socket_url = None


def help_command(bot: Bot) -> dict[str, str]:
    return {
        "command": "/preregister",
        "text": "help",
        "user_id": "UACME1",
        "channel_id": "C0GENERAL",
        "team_id": "T0STANDIN",
        "trigger_id": "1.2.socket",
        "response_url": bot.driver.response_url("C0GENERAL", "UACME1"),
    }


def test_the_client_connects_with_the_app_token_and_a_command_is_answered(
    bot: Bot, wire: SocketModeEnd
) -> None:
    (opened,) = bot.slack.calls("apps.connections.open")
    assert opened.response["ok"] and opened.response["url"] == wire.url
    mark = bot.slack.mark()
    wire.send("slash_commands", help_command(bot), "E-help")
    assert wire.ack("E-help") == {"envelope_id": "E-help"}  # acknowledged at once, empty
    answered = bot.slack.wait_for("response_url", after=mark)  # then the help, ephemerally
    assert answered.ok, answered.response
    assert "/preregister list" in bot.text_of(bot.slack.ephemerals("UACME1")[-1])
    assert wire.connections == 1
    bot.slack.assert_clean()


def test_malformed_frames_and_envelopes_are_survived_acked_and_refused(
    bot: Bot, wire: SocketModeEnd, suite_log: Path
) -> None:
    before = database_state(bot)
    refused: list[str] = []
    dropped: list[str] = []
    with log_growth(suite_log) as grown:
        for frame in JUNK_FRAMES:
            wire.send_raw(frame)
        for n, (raw, kind) in enumerate(NONSENSE.values()):
            payload, envelope_type = as_socket_payload(raw, kind)
            envelope_id = f"E-nonsense-{n}"
            wire.send(envelope_type, payload, envelope_id)
            # slack_sdk itself drops an envelope whose payload is neither object nor text.
            (refused if isinstance(payload, dict | str) else dropped).append(envelope_id)
        wire.send("slash_commands", help_command(bot), "E-after")
        wire.ack("E-after")  # the same connection still works after all of it
        acks = {envelope_id: wire.ack(envelope_id) for envelope_id in refused}
    assert all(ack == {"envelope_id": e} for e, ack in acks.items()), acks
    assert all(wire.acks(envelope_id) == [] for envelope_id in dropped)
    assert len(refused) >= 20 and len(dropped) == 4
    assert wire.connections == 1  # never reconnected: the client did not fall over
    assert grown["text"].count("refused malformed request") == len(refused)
    assert database_state(bot) == before
    bot.slack.assert_clean()
