"""The stand-in and its driver against a real Bolt app: signatures, commands, views, clicks and App
Home."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier
from werkzeug.serving import make_server

from tests.slack_driver import SlackDriver
from tests.slack_standin import SlackStandin
from tests.standin_steps import PARTNER, REVIEW, a_form, modal, option, section, text

SECRET = "standin-signing-secret"


# slack_sdk honours HTTP(S)_PROXY and ignores NO_PROXY: loopback must stay loopback.
pytestmark = pytest.mark.usefixtures("no_proxy")


def test_driver_signatures_verify_like_slacks() -> None:
    driver = SlackDriver("http://127.0.0.1:9/", SECRET)
    body, now = b"token=x&command=%2Fpreregister", int(time.time())
    stale = now - 360
    verifier = SignatureVerifier(SECRET)  # reads the timestamp header: a string
    assert verifier.is_valid(body, str(now), driver.sign(body, now))
    assert not verifier.is_valid(body, str(now), SlackDriver("", "other").sign(body, now))
    assert not verifier.is_valid(body, str(stale), driver.sign(body, stale))


class BoltHarness:
    """A tiny Bolt app on a threaded WSGI server, recording what its listeners saw."""

    def __init__(self, slack: SlackStandin) -> None:
        self.seen: dict[str, Any] = {}
        self.app = App(signing_secret=SECRET, client=slack.web_client())
        self._listen(self.app)
        self.server = make_server("127.0.0.1", 0, SlackRequestHandler(self.app), threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}/slack/events"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def _listen(self, app: App) -> None:
        @app.command("/preregister")
        def command(ack, body, client) -> None:  # type: ignore[no-untyped-def]
            self.seen["command"] = body
            if body["text"] == "help":
                ack("Usage: /preregister [list|help]")
                return
            ack()
            client.views_open(trigger_id=body["trigger_id"], view=a_form())

        @app.view("prereg")
        def submitted(ack, body, view) -> None:  # type: ignore[no-untyped-def]
            self.seen["values"] = values = view["state"]["values"]
            self.seen["user"] = body["user"]["id"]
            if values["name"]["value"]["value"] == "x":
                ack(response_action="errors", errors={"name": "Too short"})
                return
            ack(response_action="update", view=modal("Pre-registered"))

        @app.view_closed("prereg")
        def closed(ack, body) -> None:  # type: ignore[no-untyped-def]
            ack()
            self.seen["closed"] = body["view"]["id"]

        @app.options("country")
        def countries(ack, payload) -> None:  # type: ignore[no-untyped-def]
            query = payload["value"].casefold()
            known = [option("Germany", "DE"), option("France", "FR")]
            ack(options=[o for o in known if query in o["text"]["text"].casefold()])

        @app.action("approve")
        def approve(ack, body, respond) -> None:  # type: ignore[no-untyped-def]
            ack()
            self.seen["action"] = body["actions"][0]
            respond(text="Approved", replace_original=False)

        @app.event("app_home_opened")
        def home(event, client) -> None:  # type: ignore[no-untyped-def]
            view = {"type": "home", "blocks": [section(f"Hello <@{event['user']}>")]}
            client.views_publish(user_id=event["user"], view=view)

    def __enter__(self) -> BoltHarness:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()


@pytest.fixture
def bolt(slack: SlackStandin) -> Iterator[BoltHarness]:
    with BoltHarness(slack) as harness:
        yield harness


@pytest.fixture
def driver(slack: SlackStandin, bolt: BoltHarness) -> SlackDriver:
    return SlackDriver(bolt.url, SECRET, standin=slack)


def test_bolt_gets_a_slash_command_and_a_view_submission(
    slack: SlackStandin, bolt: BoltHarness, driver: SlackDriver
) -> None:
    reply = driver.slash_command(PARTNER, "")
    assert reply.status == 200
    assert reply.elapsed < 3
    slack.wait_for("views.open", lambda c: c.ok)
    assert bolt.seen["command"]["command"] == "/preregister"
    assert bolt.seen["command"]["user_id"] == PARTNER

    reply = driver.submit_view(PARTNER, {"Customer name": "Acme <!channel>", "Country": "DE"})
    assert reply.status == 200
    assert reply.json["response_action"] == "update"
    assert bolt.seen["user"] == PARTNER
    assert bolt.seen["values"]["name"]["value"]["value"] == "Acme <!channel>"
    assert bolt.seen["values"]["country"]["value"]["selected_option"]["value"] == "DE"
    current = slack.current_modal(PARTNER)
    assert current is not None
    assert current["title"]["text"] == "Pre-registered"
    slack.assert_clean()


def test_bolt_refuses_bad_and_stale_signatures(
    slack: SlackStandin, bolt: BoltHarness, driver: SlackDriver
) -> None:
    for signature in ("bad", "stale", "missing"):
        assert driver.slash_command(PARTNER, signature=signature).status == 401
    assert "command" not in bolt.seen
    assert slack.calls("views.open") == []


def test_bolt_gets_a_button_click_and_answers_by_response_url(
    slack: SlackStandin, bolt: BoltHarness, driver: SlackDriver, client: WebClient
) -> None:
    buttons = {
        "type": "actions",
        "elements": [
            {"type": "button", "text": text("Approve"), "action_id": "approve", "value": "r-7"},
            {"type": "button", "text": text("Reject"), "action_id": "reject", "value": "r-7"},
        ],
    }
    client.chat_postMessage(channel=REVIEW, text="Review r-7", blocks=[section("r-7"), buttons])
    [message] = slack.messages(REVIEW)
    reply = driver.click("U0REVIEWER", message=message, text="Approve")
    assert reply.status == 200
    slack.wait_for("response_url")
    assert bolt.seen["action"]["value"] == "r-7"
    assert slack.ephemerals("U0REVIEWER")[0]["text"] == "Approved"


def test_bolt_gets_app_home_opened(slack: SlackStandin, driver: SlackDriver) -> None:
    assert driver.app_home_opened(PARTNER).status == 200
    slack.wait_for("views.publish")
    shown = slack.home_view(PARTNER)
    assert shown is not None
    assert shown["blocks"][0]["text"]["text"] == f"Hello <@{PARTNER}>"


def test_a_command_ack_is_shown_and_errors_keep_the_modal_open(
    slack: SlackStandin, bolt: BoltHarness, driver: SlackDriver
) -> None:
    assert driver.slash_command(PARTNER, "help").status == 200
    assert slack.ephemerals(PARTNER)[0]["text"] == "Usage: /preregister [list|help]"

    driver.slash_command(PARTNER)
    form = slack.wait_for("views.open").response["view"]
    reply = driver.submit_view(PARTNER, {"Customer name": "x"})
    assert reply.json == {"response_action": "errors", "errors": {"name": "Too short"}}
    current = slack.current_modal(PARTNER)
    assert current is not None
    assert current["id"] == form["id"]  # still open, as in Slack
    slack.assert_clean()


def test_external_select_options_and_view_closed(
    slack: SlackStandin, bolt: BoltHarness, driver: SlackDriver, client: WebClient
) -> None:
    select = {"type": "external_select", "action_id": "country", "min_query_length": 2}
    form = modal(
        blocks=[{"type": "input", "label": text("Country"), "element": select}],
        notify_on_close=True,
    )
    opened = client.views_open(trigger_id=slack.triggers.issue(PARTNER), view=form)["view"]

    reply = driver.suggest(PARTNER, "ger", action_id="country")
    assert reply.json == {"options": [option("Germany", "DE")]}
    closed = driver.close_view(PARTNER)
    assert closed is not None  # the view asked for notify_on_close
    assert closed.status == 200
    assert slack.current_modal(PARTNER) is None
    assert bolt.seen["closed"] == opened["id"]
    with pytest.raises(SlackApiError, match="not_found"):  # a closed modal is gone
        client.views_update(view_id=opened["id"], view=form)
