"""The Slack stand-in and driver behave like Slack, as seen from slack_sdk and Bolt.

Everything runs over real HTTP on loopback: a real ``slack_sdk.WebClient`` against
the stand-in, and the driver against a tiny Bolt app served by a threaded WSGI server.
"""

from __future__ import annotations

import threading
import time
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook import WebhookClient
from werkzeug.serving import make_server

from tests.slack_driver import FormError, SlackDriver, state_values
from tests.slack_standin import BOT_USER_ID, SlackStandin, message_problems, view_problems

SECRET = "standin-signing-secret"
REVIEW = "C0REVIEW"
PARTNER = "U0PARTNER"


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # slack_sdk honours HTTP(S)_PROXY and ignores NO_PROXY: loopback must stay loopback.
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def client(slack: SlackStandin) -> WebClient:
    return slack.web_client()


def text(value: str, kind: str = "plain_text") -> dict[str, Any]:
    return {"type": kind, "text": value}


def section(value: str) -> dict[str, Any]:
    return {"type": "section", "text": text(value, "mrkdwn")}


def modal(
    title: str = "Pre-register", blocks: list[dict[str, Any]] | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": "prereg",
        "title": text(title),
        "submit": text("Submit"),
        "blocks": blocks or [section("hello")],
        **extra,
    }


def option(label: str, value: str) -> dict[str, Any]:
    return {"text": text(label), "value": value}


def a_form() -> dict[str, Any]:
    """A realistic modal: the kind of view the bot will open."""
    countries = [option("Germany", "DE"), option("France", "FR")]
    return modal(
        blocks=[
            {"type": "header", "text": text("New customer")},
            {
                "type": "input",
                "block_id": "name",
                "label": text("Customer name"),
                "element": {"type": "plain_text_input", "action_id": "value", "max_length": 200},
            },
            {
                "type": "input",
                "block_id": "email",
                "label": text("Email"),
                "optional": True,
                "element": {"type": "email_text_input", "action_id": "value"},
            },
            {
                "type": "input",
                "block_id": "country",
                "label": text("Country / region"),
                "element": {
                    "type": "static_select",
                    "action_id": "value",
                    "option_groups": [{"label": text("Europe"), "options": countries}],
                    "initial_option": countries[1],
                },
            },
            {
                "type": "input",
                "block_id": "consent",
                "label": text("Consent"),
                "optional": True,
                "element": {
                    "type": "checkboxes",
                    "action_id": "value",
                    "options": [option("Email me", "mail"), option("Call me", "call")],
                },
            },
            {"type": "context", "elements": [text("Fields marked * are required", "mrkdwn")]},
            {"type": "divider"},
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": "help",
                        "text": text("Help"),
                        "value": "h",
                        "style": "primary",
                    }
                ],
            },
        ]
    )


# --------------------------------------------------------------------------
# Web API basics
# --------------------------------------------------------------------------


def test_auth_and_unknown_methods_answer_as_slack_does(
    slack: SlackStandin, client: WebClient
) -> None:
    assert client.auth_test()["user_id"] == BOT_USER_ID
    with pytest.raises(SlackApiError) as wrong:
        WebClient(base_url=slack.url, token="xoxb-wrong").auth_test()
    with pytest.raises(SlackApiError) as missing:
        WebClient(base_url=slack.url).auth_test()
    with pytest.raises(SlackApiError) as unknown:
        client.api_call("chat.frobnicate")
    assert wrong.value.response["error"] == "invalid_auth"
    assert missing.value.response["error"] == "not_authed"
    assert unknown.value.response["error"] == "unknown_method"
    first = slack.calls("auth.test")[0]
    assert first.headers["authorization"] == f"Bearer {slack.token}"


def test_messages_are_kept_updated_and_readable(slack: SlackStandin, client: WebClient) -> None:
    metadata = {"event_type": "review_requested", "event_payload": {"registration": 7}}
    posted = client.chat_postMessage(
        channel=REVIEW, text="Review Acme", blocks=[section("Review *Acme*")], metadata=metadata
    )
    ts = posted["ts"]
    assert posted["channel"] == REVIEW
    reply = client.chat_postMessage(channel=REVIEW, text="note", thread_ts=ts)
    client.chat_update(channel=REVIEW, ts=ts, text="Approved", blocks=[section("Approved")])

    current = slack.message(REVIEW, ts)
    assert current["text"] == "Approved"
    assert current["blocks"][0]["text"]["text"] == "Approved"
    assert current["blocks"][0]["block_id"]  # Slack fills in block ids
    assert current["metadata"] == metadata  # an update keeps what it leaves out
    assert current["reply_count"] == 1

    plain = client.conversations_history(channel=REVIEW)["messages"]
    assert [m["ts"] for m in plain] == [ts]  # replies stay in their thread
    assert "metadata" not in plain[0]
    full = client.conversations_history(channel=REVIEW, include_all_metadata=True)["messages"]
    assert full[0]["metadata"] == metadata
    link = client.chat_getPermalink(channel=REVIEW, message_ts=reply["ts"])["permalink"]
    assert link.endswith(f"?thread_ts={ts}&cid={REVIEW}")

    call = slack.wait_for("chat.update", lambda c: c.args["ts"] == ts)
    assert call.args["blocks"][0]["text"]["text"] == "Approved"
    with pytest.raises(SlackApiError, match="message_not_found"):
        client.chat_update(channel=REVIEW, ts="1.000001", text="nope")
    # The refused update is recorded: a fixture can assert a bot made no such call.
    assert [c.error for c in slack.errors()] == ["message_not_found"]


def test_blocks_without_text_are_accepted_with_a_visible_warning(
    slack: SlackStandin, client: WebClient
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # slack_sdk warns on its side too
        answer = client.chat_postMessage(channel=REVIEW, blocks=[section("no fallback")])
    assert answer["ok"]
    assert answer["response_metadata"]["warnings"] == ["missing_text_in_blocks"]
    assert [w.code for w in slack.warnings] == ["missing_text_in_blocks"]
    with pytest.raises(AssertionError, match="warned"):
        slack.assert_clean()


def test_dms_ephemerals_and_users(slack: SlackStandin, client: WebClient) -> None:
    dm = client.conversations_open(users=PARTNER)["channel"]["id"]
    assert dm.startswith("D")
    assert client.conversations_open(users=PARTNER)["channel"]["id"] == dm
    assert client.chat_postMessage(channel=dm, text="hi")["channel"] == dm
    assert client.chat_postMessage(channel=PARTNER, text="also")["channel"] == dm
    with pytest.raises(SlackApiError, match="channel_not_found"):
        client.chat_postMessage(channel="DNOTOPENED", text="x")
    with pytest.raises(SlackApiError, match="channel_not_found"):
        client.chat_postMessage(channel="#general", text="x")

    client.chat_postEphemeral(channel=REVIEW, user="U0OTHER", text="Only reviewers decide")
    assert [e["text"] for e in slack.ephemerals("U0OTHER")] == ["Only reviewers decide"]

    assert client.users_info(user=PARTNER)["user"]["tz"] == "America/New_York"
    slack.add_user("U0TOKYO", tz="Asia/Tokyo")
    tokyo = client.users_info(user="U0TOKYO")["user"]
    assert (tokyo["tz"], tokyo["tz_offset"]) == ("Asia/Tokyo", 9 * 3600)
    with pytest.raises(SlackApiError, match="user_not_found"):
        client.users_info(user="nobody")


def test_files_upload_v2_round_trip(slack: SlackStandin, client: WebClient) -> None:
    dm = client.conversations_open(users=PARTNER)["channel"]["id"]
    answer = client.files_upload_v2(
        channel=dm, content=b"\x89PNG fake", filename="qr.png", title="Invitation QR code"
    )
    assert answer["file"]["title"] == "Invitation QR code"
    [stored] = slack.files()
    assert stored["content"] == b"\x89PNG fake"
    assert stored["channels"] == [dm]
    assert [m["files"][0]["name"] for m in slack.messages(dm)] == ["qr.png"]
    assert [c.method for c in slack.calls()][-3:] == [
        "files.getUploadURLExternal",
        "upload",
        "files.completeUploadExternal",
    ]


def test_a_response_url_shows_an_ephemeral_message(slack: SlackStandin) -> None:
    url = slack.response_url(REVIEW, PARTNER)
    assert WebhookClient(url).send(text="Done").status_code == 200
    assert slack.ephemerals(PARTNER)[0]["text"] == "Done"
    assert slack.wait_for("response_url").args == {"text": "Done"}


# --------------------------------------------------------------------------
# Views and trigger ids
# --------------------------------------------------------------------------


def test_a_trigger_id_opens_one_modal_within_three_seconds(
    slack: SlackStandin, client: WebClient
) -> None:
    trigger = slack.triggers.issue(PARTNER)
    opened = client.views_open(trigger_id=trigger, view=modal())["view"]
    current = slack.current_modal(PARTNER)
    assert current is not None
    assert current["id"] == opened["id"]

    refusals = {}
    for name, trigger_id in {
        "reused": trigger,
        "expired": slack.triggers.issue(PARTNER, age=3.5),
        "made up": "123.456.abc",
    }.items():
        with pytest.raises(SlackApiError) as refused:
            client.views_open(trigger_id=trigger_id, view=modal())
        refusals[name] = refused.value.response["error"]
    assert refusals == {
        "reused": "exchanged_trigger_id",
        "expired": "expired_trigger_id",
        "made up": "invalid_trigger_id",
    }


def test_views_update_push_and_publish(slack: SlackStandin, client: WebClient) -> None:
    opened = client.views_open(trigger_id=slack.triggers.issue(PARTNER), view=modal())["view"]
    updated = client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal("Step 2"))[
        "view"
    ]
    assert updated["id"] == opened["id"]
    current = slack.current_modal(PARTNER)
    assert current is not None
    assert current["title"]["text"] == "Step 2"
    with pytest.raises(SlackApiError, match="hash_conflict"):
        client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal())

    for _ in range(2):
        client.views_push(trigger_id=slack.triggers.issue(PARTNER), view=modal("Pushed"))
    assert len(slack.modal_stack(PARTNER)) == 3
    with pytest.raises(SlackApiError, match="push_limit_reached"):
        client.views_push(trigger_id=slack.triggers.issue(PARTNER), view=modal())

    home = {"type": "home", "blocks": [section("Quota: 3 of 100")]}
    first = client.views_publish(user_id=PARTNER, view=home)["view"]
    home["blocks"] = [section("Quota: 4 of 100")]
    second = client.views_publish(user_id=PARTNER, view=home)["view"]
    assert first["id"] == second["id"]
    shown = slack.home_view(PARTNER)
    assert shown is not None
    assert shown["blocks"][0]["text"]["text"] == "Quota: 4 of 100"
    with pytest.raises(SlackApiError, match="invalid_arguments"):
        client.views_publish(user_id=PARTNER, view=modal())


@pytest.mark.parametrize(
    "view",
    [
        pytest.param(modal(title="x" * 25), id="title-25-chars"),
        pytest.param(modal(blocks=[section("x" * 3001)]), id="section-3001-chars"),
        pytest.param(modal(blocks=[{"type": "sectoin", "text": text("x")}]), id="misspelled"),
        pytest.param(modal(blocks=[{**section("x"), "txet": "y"}]), id="unknown-key"),
        pytest.param(modal(private_metadata="x" * 3001), id="private-metadata"),
        pytest.param(modal(blocks=[section("x")] * 101), id="101-blocks"),
        pytest.param(modal(submit=text("x" * 25)), id="submit-25-chars"),
        pytest.param(modal(blocks=[{"type": "header", "text": text("x" * 151)}]), id="header-151"),
        pytest.param(
            modal(
                blocks=[
                    {
                        "type": "input",
                        "label": text("Country"),
                        "element": {
                            "type": "static_select",
                            "action_id": "c",
                            "options": [option(str(i), str(i)) for i in range(101)],
                        },
                    }
                ]
            ),
            id="101-options",
        ),
        pytest.param(
            {**modal(), "submit": None, "blocks": a_form()["blocks"]}, id="inputs-no-submit"
        ),
        pytest.param(
            modal(blocks=[{**section("a"), "block_id": "b"}, {**section("b"), "block_id": "b"}]),
            id="duplicate-block-id",
        ),
        pytest.param(
            modal(
                blocks=[
                    {
                        "type": "actions",
                        "elements": [{"type": "button", "text": text("x" * 76), "action_id": "a"}],
                    }
                ]
            ),
            id="button-76-chars",
        ),
    ],
)
def test_invalid_views_are_refused(
    slack: SlackStandin, client: WebClient, view: dict[str, Any]
) -> None:
    with pytest.raises(SlackApiError) as refused:
        client.views_open(trigger_id=slack.triggers.issue(PARTNER), view=view)
    assert refused.value.response["error"] == "invalid_arguments"
    assert refused.value.response["response_metadata"]["messages"]
    assert slack.current_modal(PARTNER) is None


@pytest.mark.parametrize(
    "blocks",
    [
        pytest.param([{"type": "sectoin", "text": text("x")}], id="misspelled"),
        pytest.param([section("x" * 3001)], id="section-3001-chars"),
        pytest.param([section("x")] * 51, id="51-blocks"),
        pytest.param([section("")], id="empty-text"),
    ],
)
def test_invalid_message_blocks_are_refused(client: WebClient, blocks: list[Any]) -> None:
    with pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(channel=REVIEW, text="fallback", blocks=blocks)
    assert refused.value.response["error"] == "invalid_blocks"


def test_a_realistic_form_passes_the_checks_unchanged() -> None:
    # Guards against false alarms from the round-trip comparison.
    assert view_problems(a_form()) == []
    assert message_problems("t", [*a_form()["blocks"][:1], section("ok")]) == []


# --------------------------------------------------------------------------
# Failure injection
# --------------------------------------------------------------------------


def test_429_with_retry_after_is_retried_by_slack_sdk(slack: SlackStandin) -> None:
    slack.fail_next("chat.postMessage", status=429, retry_after=0)
    client = slack.web_client(retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)])
    assert client.chat_postMessage(channel=REVIEW, text="hello")["ok"]
    first, second = slack.calls("chat.postMessage")
    assert (first.status, first.error, first.injected) == (429, "ratelimited", True)
    assert second.ok
    assert len(slack.messages(REVIEW)) == 1


def test_server_errors_then_success(slack: SlackStandin) -> None:
    slack.fail_next("chat.postMessage", status=500, times=2)
    quick = FixedValueRetryIntervalCalculator(0.01)
    client = slack.web_client(
        retry_handlers=[ServerErrorRetryHandler(max_retry_count=2, interval_calculator=quick)]
    )
    assert client.chat_postMessage(channel=REVIEW, text="hello")["ok"]
    assert [c.status for c in slack.calls("chat.postMessage")] == [500, 500, 200]
    assert slack.errors() == []  # injected failures are not the bot's fault


def test_errors_and_delays_on_demand(slack: SlackStandin, client: WebClient) -> None:
    slack.fail_next("chat.postMessage", error="channel_not_found")
    slack.fail_next("*", error="fatal_error")
    with pytest.raises(SlackApiError, match="channel_not_found"):
        client.chat_postMessage(channel=REVIEW, text="x")
    with pytest.raises(SlackApiError, match="fatal_error"):
        client.chat_postMessage(channel=REVIEW, text="x")
    assert client.chat_postMessage(channel=REVIEW, text="x")["ok"]

    slack.slow("users.info", 0.3)
    started = time.monotonic()
    client.users_info(user=PARTNER)
    assert time.monotonic() - started >= 0.3


def test_wait_for_waits_for_a_call_made_later(slack: SlackStandin, client: WebClient) -> None:
    mark = slack.mark()
    later = threading.Timer(0.1, lambda: client.chat_postMessage(channel=REVIEW, text="late"))
    later.start()
    call = slack.wait_for("chat.postMessage", lambda c: c.args["text"] == "late", after=mark)
    assert call.ok
    with pytest.raises(AssertionError, match="waited"):
        slack.wait_for("views.open", timeout=0.1)


# --------------------------------------------------------------------------
# The driver: signing, forms, a real Bolt app over HTTP
# --------------------------------------------------------------------------


def test_driver_signatures_verify_like_slacks() -> None:
    driver = SlackDriver("http://127.0.0.1:9/", SECRET)
    body, now = b"token=x&command=%2Fpreregister", int(time.time())
    stale = now - 360
    verifier = SignatureVerifier(SECRET)  # reads the timestamp header: a string
    assert verifier.is_valid(body, str(now), driver.sign(body, now))
    assert not verifier.is_valid(body, str(now), SlackDriver("", "other").sign(body, now))
    assert not verifier.is_valid(body, str(stale), driver.sign(body, stale))


def test_state_values_fill_a_form_like_a_user() -> None:
    form = a_form()
    values = state_values(
        form, {"Customer name": "Acme", "Country": "Germany", "consent": ["mail"]}
    )
    assert values["name"]["value"] == {"type": "plain_text_input", "value": "Acme"}
    assert values["email"]["value"] == {"type": "email_text_input", "value": None}
    assert values["country"]["value"]["selected_option"]["value"] == "DE"
    assert values["consent"]["value"]["selected_options"] == [option("Email me", "mail")]
    untouched = state_values(form, {"Customer name": "Acme"})
    assert untouched["country"]["value"]["selected_option"]["value"] == "FR"  # initial option
    with pytest.raises(FormError, match="required"):
        state_values(form, {"Email": "a@example.com"})
    with pytest.raises(FormError, match="no field"):
        state_values(form, {"Mobile": "+49"})
    with pytest.raises(FormError, match="longer than 200"):
        state_values(form, {"Customer name": "x" * 201})


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
