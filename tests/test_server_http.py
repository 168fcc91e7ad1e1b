"""A running prereg serve: health, signatures, App Home, URL verification, logs and SIGTERM."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.models.views import View

from tests.server_steps import PARTNER_USER, Served, get, start_server, stop_server, until
from tests.slack_driver import SlackDriver
from tests.slack_standin import PATIENCE, PATIENT_TRIGGER_TTL, SlackStandin


@pytest.fixture(scope="module")
def slack() -> Iterator[SlackStandin]:
    with SlackStandin(trigger_ttl=PATIENT_TRIGGER_TTL) as standin:
        yield standin


def published_for(user: str) -> Callable[[Any], bool]:
    return lambda call: call.args.get("user_id") == user


def shown_to(user: str) -> Callable[[Any], bool]:
    """A publish Slack took: one refused as older than a refresh (hash_conflict) is redone."""
    return lambda call: call.args.get("user_id") == user and call.ok


# --- the real server ----------------------------------------------------------------------


def test_health_is_served_by_waitress(served: Served) -> None:
    status, headers, body = get(served.url + "/healthz")
    assert status == 200
    assert json.loads(body) == {"status": "ok"}
    assert headers["Server"] == "waitress"
    assert f"prereg serving on {served.url}" in served.log_text()


def test_token_was_verified_at_start_with_auth_test(served: Served, slack: SlackStandin) -> None:
    call = slack.wait_for("auth.test")
    assert call.ok
    assert call.headers["authorization"] == f"Bearer {slack.token}"


@pytest.mark.parametrize("signature", ["bad", "stale", "missing"])
def test_unsigned_requests_are_refused_and_do_nothing(
    driver: SlackDriver, slack: SlackStandin, signature: Any
) -> None:
    # The seeded customer's DM goes out at start; only what follows the mark is counted.
    slack.wait_for("chat.postMessage")
    mark = slack.mark()
    refused = driver.app_home_opened("U0INTRUDER", signature=signature)
    assert refused.status == 401
    # A signed request after it: once its work reached Slack, the refused one had its chance.
    assert driver.app_home_opened(PARTNER_USER).status == 200
    slack.wait_for("views.publish", shown_to(PARTNER_USER), after=mark)
    assert slack.calls(after=mark) == slack.calls("views.publish", after=mark)
    assert not slack.calls("views.publish", published_for("U0INTRUDER"), after=mark)


def test_home_tab_shows_the_companys_quota_and_customers(
    driver: SlackDriver, slack: SlackStandin
) -> None:
    mark = slack.mark()
    reply = driver.app_home_opened(PARTNER_USER)
    assert reply.status == 200
    call = slack.wait_for("views.publish", shown_to(PARTNER_USER), after=mark)
    view = slack.home_view(PARTNER_USER)
    assert view is not None
    sent = call.args["view"]
    assert View(**sent).to_dict() == sent  # nothing slack_sdk would drop or misread
    shown = json.dumps(sent)
    assert "Pre-register customer" in shown
    assert "1 of 100 active" in shown
    headers = [b["text"] for b in sent["blocks"] if b["type"] == "header"]
    assert ("plain_text", "Acme <Cloud> & Co") in [(h["type"], h["text"]) for h in headers]
    names = [b["text"] for b in sent["blocks"] if b["type"] == "section" and "text" in b]
    marked = "".join(n["text"] for n in names if n["type"] == "mrkdwn")
    assert "Kunde &lt;!channel&gt; GmbH" in marked
    assert "<!channel>" not in marked
    slack.assert_clean()


def test_home_tab_tells_an_unlinked_user_whom_to_ask(
    driver: SlackDriver, slack: SlackStandin
) -> None:
    mark = slack.mark()
    assert driver.app_home_opened("U0STRANGER").status == 200
    call = slack.wait_for("views.publish", shown_to("U0STRANGER"), after=mark)
    assert "not linked to a partner company" in json.dumps(call.args["view"])
    assert "`U0STRANGER`" in json.dumps(call.args["view"])


def test_messages_tab_publishes_nothing(driver: SlackDriver, slack: SlackStandin) -> None:
    mark = slack.mark()
    assert driver.app_home_opened("U0MESSAGES", tab="messages").status == 200
    assert driver.app_home_opened(PARTNER_USER).status == 200
    slack.wait_for("views.publish", shown_to(PARTNER_USER), after=mark)
    assert not slack.calls("views.publish", published_for("U0MESSAGES"), after=mark)


def test_url_verification_challenge_is_answered(driver: SlackDriver) -> None:
    reply = driver.url_verification("challenge-42")
    assert reply.status == 200
    assert reply.json == {"challenge": "challenge-42"}


def test_a_failing_listener_is_logged_redacted(
    driver: SlackDriver, slack: SlackStandin, served: Served
) -> None:
    slack.fail_next("views.publish", error="not_authed")
    assert driver.app_home_opened(PARTNER_USER).status == 200  # acked before the listener ran
    until(lambda: "listener failed" in served.log_text(), 5, "the error to be logged")
    line = next(x for x in served.log_text().splitlines() if "listener failed" in x)
    assert "event=app_home_opened" in line
    assert f"user={PARTNER_USER}" in line
    assert "not_authed" in line
    assert slack.token not in served.log_text()


def test_sigterm_stops_the_server_cleanly(slack: SlackStandin, tmp_path: Path) -> None:
    server = start_server(slack, tmp_path, scheduler=True)
    # It exits by itself, with 0 (a process that had to be killed fails here).
    assert stop_server(server, timeout=PATIENCE) == 0
    text = server.log_text()
    assert "received SIGTERM" in text
    assert "prereg stopped" in text
    assert "scheduler on" in text
    assert "Traceback" not in text
