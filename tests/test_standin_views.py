"""The stand-in's modals and App Home: trigger ids, updates, and views and blocks it refuses as
Slack does."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from tests.slack_driver import FormError, state_values
from tests.slack_standin import SlackStandin, message_problems, view_problems
from tests.standin_steps import PARTNER, REVIEW, a_form, modal, option, section, text

# slack_sdk honours HTTP(S)_PROXY and ignores NO_PROXY: loopback must stay loopback.
pytestmark = pytest.mark.usefixtures("no_proxy")


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
