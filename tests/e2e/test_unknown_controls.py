"""A button or form no listener knows (forged, or left from an older version) is refused at
once and in words where the user acted, instead of Bolt's silent 404; nothing changes."""

from __future__ import annotations

import json
from typing import Any

from bot.blocks.refusals import UNKNOWN
from tests.e2e.conftest import Bot
from tests.e2e.test_forged_values import answered_in_words, clicked, interaction, unchanged
from tests.e2e.test_manage import seed


def submitted(bot: Bot, user: str, callback_id: str) -> dict[str, Any]:
    view = {
        "id": "V0UNKNOWN",
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": "",
        "state": {"values": {}},
        "hash": "1.a",
        "blocks": [],
    }
    return {**interaction(bot, "view_submission", user), "view": view}


def test_an_unknown_button_is_answered_at_once_in_words(bot: Bot) -> None:
    seed(bot, "acme", "Alpha GmbH")
    before = unchanged(bot)
    action = {"action_id": "renew", "type": "button", "value": "1"}

    reply = bot.driver.send_payload(clicked(bot, "UACME1", "C0GENERAL", action))

    assert (reply.status, reply.elapsed < 3) == (200, True)
    answered_in_words(bot, "UACME1", "does not know that button or form")
    assert unchanged(bot) == before
    bot.slack.assert_clean()


def test_an_unknown_form_is_answered_in_the_modal_and_a_closed_one_quietly(bot: Bot) -> None:
    before = unchanged(bot)

    reply = bot.driver.send_payload(submitted(bot, "UACME1", "renewal_form"))

    assert (reply.status, reply.elapsed < 3) == (200, True)
    answer = json.loads(reply.body)
    assert answer["response_action"] == "update"
    assert UNKNOWN.split(" (")[0] in json.dumps(answer["view"])

    closed = {**submitted(bot, "UACME1", "renewal_form"), "type": "view_closed"}
    reply = bot.driver.send_payload(closed)
    assert (reply.status, reply.body.strip()) == (200, "")
    assert unchanged(bot) == before
    bot.slack.assert_clean()
