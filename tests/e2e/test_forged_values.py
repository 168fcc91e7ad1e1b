"""Forged values in correctly signed requests, over real HTTP: each is refused at once and in
words where the user clicked or typed, and nothing changes.

The cases the attack found answered by Bolt's 404 after 3 s and an apology: a review button
without a usable value, an overflow naming another company's registration. (Forged
opportunity submissions: tests/e2e/test_opportunity_modal.py.)
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.blocks import manage as manage_ids
from bot.blocks.refusals import UNREADABLE
from bot.blocks.review import APPROVE, REJECT
from tests.e2e.conftest import REVIEW_CHANNEL, Bot
from tests.e2e.preregister_steps import database_state
from tests.e2e.test_manage import seed

MISSING = object()


def unchanged(bot: Bot) -> dict[str, Any]:
    """Everything a request could change; of the outbox, what is owed (the worker meanwhile
    delivers what the seeding owed, which changes those rows' delivery columns)."""
    state = database_state(bot)
    state["outbox"] = sorted((row["id"], row["kind"], row["recipient"]) for row in state["outbox"])
    return state


def interaction(bot: Bot, kind: str, user: str) -> dict[str, Any]:
    """What every interaction payload of `kind` from `user` carries, at the least."""
    return {
        "type": kind,
        "user": bot.driver.user(user),
        "team": {"id": "T0STANDIN", "domain": "standin"},
        "api_app_id": "A0PREREG",
        "trigger_id": bot.driver.trigger_id(user),
    }


def clicked(bot: Bot, user: str, channel: str, action: dict[str, Any]) -> dict[str, Any]:
    """A click on a message in `channel`, as Slack sends it."""
    return {
        **interaction(bot, "block_actions", user),
        "actions": [{"block_id": "b", "action_ts": "1.0", **action}],
        "channel": {"id": channel, "name": channel.lower()},
        "container": {"type": "message", "message_ts": "1.000001", "channel_id": channel},
        "message": {"ts": "1.000001", "text": "a card", "type": "message"},
        "response_url": bot.driver.response_url(channel, user, "1.000001"),
    }


def answered_in_words(bot: Bot, user: str, words: str) -> None:
    bot.wait_until(lambda: any(words in e["text"] for e in bot.slack.ephemerals(user)))


@pytest.mark.parametrize("value", [MISSING, None, "", "abc", "-1", str(10**30), "1.5"])
@pytest.mark.parametrize("action_id", [APPROVE, REJECT])
def test_a_review_button_without_a_registration_of_ours_is_refused_at_once(
    bot: Bot, action_id: str, value: object
) -> None:
    seed(bot, "acme", "Alpha GmbH")
    before = unchanged(bot)
    action: dict[str, Any] = {"action_id": action_id, "type": "button"}
    if value is not MISSING:
        action["value"] = value
    reply = bot.driver.send_payload(clicked(bot, "UREV1", REVIEW_CHANNEL, action))
    assert reply.status in (200, 400), reply  # `value: null` is no envelope of Slack's: 400
    assert reply.elapsed < 3
    if reply.status == 200:
        answered_in_words(bot, "UREV1", UNREADABLE)
    assert bot.slack.calls("views.open") == []
    assert unchanged(bot) == before
    bot.slack.assert_clean()


@pytest.mark.parametrize("action", ["delete", "opportunity", "invite", "extend"])
def test_an_overflow_naming_another_companys_registration_is_refused_at_once(
    bot: Bot, action: str
) -> None:
    theirs = seed(bot, "beta", "Betakunde")
    before = unchanged(bot)
    option = {"text": {"type": "plain_text", "text": "x"}, "value": f"{action}:{theirs}"}
    forged = {"action_id": manage_ids.MANAGE, "type": "overflow", "selected_option": option}
    reply = bot.driver.send_payload(clicked(bot, "UACME1", "C0GENERAL", forged))
    assert (reply.status, reply.elapsed < 3) == (200, True)
    # Said in an ephemeral reply (or, where a modal was the answer, in that modal).
    bot.wait_until(
        lambda: (
            bool(bot.slack.ephemerals("UACME1")) or bot.slack.current_modal("UACME1") is not None
        )
    )
    if bot.slack.ephemerals("UACME1"):
        said = bot.slack.ephemerals("UACME1")[-1]["text"]
        assert bot.slack.calls("views.open") == []  # no modal for what is not ours
    else:
        said = bot.text_of(bot.modal("UACME1"))
        assert "/invite/" not in said  # no invitation link to their customer
    assert said.strip()
    assert "Betakunde" not in said  # nothing of theirs is told
    assert "wrong on our side" not in said  # a refusal, not an apology
    assert unchanged(bot) == before
    bot.slack.assert_clean()
