"""Hostile requests at /slack/events over real HTTP: each gets its status at once, changes
nothing, and leaves a bounded line in the log, never the body."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.web.slack_guard import NUL_IN_FIELD, NUL_IN_TEXT
from tests.e2e.conftest import Bot
from tests.e2e.preregister_steps import CUSTOMER, database_state, open_form, registrations

FORM = "application/x-www-form-urlencoded"
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only


def health(bot: Bot, timeout: float = 3) -> int:
    base = bot.stack.urls()[0]
    try:
        with _OPENER.open(base + "/healthz", timeout=timeout) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def payload_body(payload: Any) -> str:
    return urlencode({"payload": json.dumps(payload)})


@contextmanager
def log_growth(suite_log: Path) -> Iterator[dict[str, Any]]:
    """What the bot logged meanwhile (the suite's log, written by the production handler)."""
    before = suite_log.stat().st_size
    grown: dict[str, Any] = {}
    yield grown
    with suite_log.open("rb") as log:
        log.seek(before)
        added = log.read()
    grown.update(size=len(added), text=added.decode("utf-8", errors="replace"))


def user(user_id: str = "UACME1") -> dict[str, Any]:
    return {"id": user_id, "username": "x", "team_id": "T0STANDIN"}


# -- unsigned ------------------------------------------------------------------------------

NOW = str(int(time.time()))
BAD_HEADERS = {
    "no headers": {},
    "timestamp abc": {"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=" + "0" * 64},
    "timestamp empty": {"X-Slack-Request-Timestamp": "", "X-Slack-Signature": "v0=" + "0" * 64},
    "timestamp 1e10": {"X-Slack-Request-Timestamp": "1e10", "X-Slack-Signature": "v0=" + "0" * 64},
    "timestamp 400 digits": {
        "X-Slack-Request-Timestamp": "9" * 400,
        "X-Slack-Signature": "v0=" + "0" * 64,
    },
    "negative timestamp": {"X-Slack-Request-Timestamp": "-1", "X-Slack-Signature": "v0=" + "0"},
    "signature not hex": {"X-Slack-Request-Timestamp": NOW, "X-Slack-Signature": "v0=zz"},
    "signature of another secret": {"X-Slack-Request-Timestamp": NOW, "X-Slack-Signature": "v1="},
}


@pytest.mark.parametrize("case", sorted(BAD_HEADERS))
def test_unsigned_requests_are_401_whatever_their_headers_hold(
    bot: Bot, case: str, suite_log: Path
) -> None:
    before = database_state(bot)
    bodies: list[tuple[str | bytes, str]] = [
        (payload_body({"type": "block_actions"}), FORM),
        ("{not json", "application/json"),
        (b"\xff\xfe\x00garbage", "text/plain"),
    ]
    with log_growth(suite_log) as grown:
        for body, kind in bodies:
            headers = {"Content-Type": kind, **BAD_HEADERS[case]}
            reply = bot.driver.send(body, kind, signature="missing", headers=headers)
            assert reply.status == 401, (case, reply)
            assert json.loads(reply.body) == {"error": "invalid request"}
    assert " ERROR " not in grown["text"]
    assert grown["size"] < 3 * 300
    assert database_state(bot) == before


@pytest.mark.parametrize("signature", ["bad", "stale"])
def test_badly_signed_requests_are_401(bot: Bot, signature: Any) -> None:
    reply = bot.driver.send_payload({"type": "block_actions"}, signature=signature)
    assert reply.status == 401


def test_a_megabyte_unsigned_body_is_refused_without_stalling_anything(
    bot: Bot, suite_log: Path
) -> None:
    body = "text=" + "a" * (1024 * 1024 - 5)  # letters: what made the old redaction quadratic
    replies: list[int] = []
    healths: list[int] = []

    def flood() -> None:
        for _ in range(3):
            replies.append(bot.driver.send(body, FORM, signature="missing").status)

    with log_growth(suite_log) as grown:
        flooding = threading.Thread(target=flood)
        flooding.start()
        while flooding.is_alive() or not healths:
            healths.append(health(bot))  # each within its 3 s timeout, or it raises
        flooding.join()
    assert replies == [401, 401, 401]
    assert set(healths) == {200}
    assert grown["size"] < 2048, grown["text"][:500]
    assert "aaaaaaaaaa" not in grown["text"]


# -- signed nonsense ------------------------------------------------------------------------

DEEP = "[" * 100_000 + "]" * 100_000
VIEW = {"id": "V0X", "callback_id": "preregister", "state": {"values": {}}}
NONSENSE: dict[str, tuple[str | bytes, str]] = {
    "payload not JSON": (urlencode({"payload": "{nope"}), FORM),
    "payload []": (urlencode({"payload": "[]"}), FORM),
    "payload 123": (urlencode({"payload": "123"}), FORM),
    "payload null": (urlencode({"payload": "null"}), FORM),
    'payload "str"': (urlencode({"payload": '"str"'}), FORM),
    "JSON list body": ("[1, 2]", "application/json"),
    "invalid JSON body": ("{'a': 1", "application/json"),
    "nesting 100,000 deep": (urlencode({"payload": DEEP}), FORM),
    "nesting 100,000 deep JSON body": ('{"a":' + DEEP + "}", "application/json"),
    "invalid UTF-8": (b"payload=%7B%7D\xff\xfe", FORM),
    "empty body": ("", FORM),
    "unknown type": (payload_body({"type": "nonsense", "user": user()}), FORM),
    "type not a string": (payload_body({"type": 7, "user": user()}), FORM),
    "no user": (payload_body({"type": "block_actions", "actions": [{"action_id": "a"}]}), FORM),
    "user a string": (
        payload_body({"type": "block_actions", "user": "UACME1", "actions": [{"action_id": "a"}]}),
        FORM,
    ),
    "user.id a number": (
        payload_body({"type": "block_actions", "user": {"id": 5}, "actions": [{"action_id": "a"}]}),
        FORM,
    ),
    "no actions": (payload_body({"type": "block_actions", "user": user()}), FORM),
    "actions empty": (payload_body({"type": "block_actions", "user": user(), "actions": []}), FORM),
    "actions a dict": (
        payload_body({"type": "block_actions", "user": user(), "actions": {"action_id": "a"}}),
        FORM,
    ),
    "action without action_id": (
        payload_body({"type": "block_actions", "user": user(), "actions": [{"value": "1"}]}),
        FORM,
    ),
    "action value a number": (
        payload_body(
            {"type": "block_actions", "user": user(), "actions": [{"action_id": "a", "value": 1}]}
        ),
        FORM,
    ),
    "trigger_id a list": (
        payload_body(
            {
                "type": "block_actions",
                "user": user(),
                "trigger_id": [],
                "actions": [{"action_id": "a"}],
            }
        ),
        FORM,
    ),
    "submission without view": (payload_body({"type": "view_submission", "user": user()}), FORM),
    "view a string": (
        payload_body({"type": "view_submission", "user": user(), "view": "V0X"}),
        FORM,
    ),
    "view without id": (
        payload_body({"type": "view_submission", "user": user(), "view": {"callback_id": "x"}}),
        FORM,
    ),
    "state values a list": (
        payload_body(
            {
                "type": "view_submission",
                "user": user(),
                "view": {**VIEW, "state": {"values": []}},
            }
        ),
        FORM,
    ),
    "private_metadata a dict": (
        payload_body(
            {"type": "view_submission", "user": user(), "view": {**VIEW, "private_metadata": {}}}
        ),
        FORM,
    ),
    "command without user": (urlencode({"command": "/preregister", "text": ""}), FORM),
    "event without event": ('{"type": "event_callback"}', "application/json"),
    "event type a number": ('{"type": "event_callback", "event": {"type": 1}}', "application/json"),
}


def test_signed_nonsense_is_400_at_once_and_changes_nothing(bot: Bot, suite_log: Path) -> None:
    before = database_state(bot)
    statuses: dict[str, int] = {}
    with log_growth(suite_log) as grown:
        for case, (body, kind) in NONSENSE.items():
            reply = bot.driver.send(body, kind)
            statuses[case] = reply.status
            assert reply.elapsed < 3, case
    assert statuses == dict.fromkeys(NONSENSE, 400)
    assert database_state(bot) == before
    assert " ERROR " not in grown["text"]
    assert grown["text"].count("refused malformed request") == len(NONSENSE)
    assert grown["size"] < 400 * len(NONSENSE)
    bot.slack.assert_clean()


# -- NUL characters -------------------------------------------------------------------------


def test_a_nul_character_in_a_field_is_a_field_error_and_nothing_is_saved(bot: Bot) -> None:
    open_form(bot)
    before = database_state(bot)
    reply = bot.driver.submit_view("UACME1", {**CUSTOMER, "Customer name": "Kunde\x00 GmbH"})
    assert reply.status == 200
    assert reply.json["response_action"] == "errors"
    assert list(reply.json["errors"].values()) == [NUL_IN_FIELD]
    assert database_state(bot) == before
    # Corrected, it goes through.
    reply = bot.driver.submit_view("UACME1", CUSTOMER)
    assert reply.json["response_action"] == "update"
    assert registrations(bot) == [("acme", "preregistered", "it@kunde.de")]


def test_a_nul_character_in_a_command_is_refused_in_words(bot: Bot) -> None:
    reply = bot.driver.slash_command("UACME1", "list\x00")
    assert reply.status == 200
    assert reply.json == {"response_type": "ephemeral", "text": NUL_IN_TEXT}
