"""What the extension-request tests share: a request, its card, and what was stored and
extended."""

from __future__ import annotations

import json
from typing import Any

from bot.blocks.extension_requests import REQUEST_EXTENSION
from bot.domain.model import Registration
from bot.services.registrations import Extend, extend
from tests.e2e.conftest import REVIEW_CHANNEL, Bot
from tests.e2e.review_steps import EVIL
from tests.e2e.rows import registration, settle
from tests.e2e.time_steps import DAY, at, buttons, dms_to, hold, posted
from tests.slack_standin import Call

JUSTIFIED = f"The rollout slipped to January. {EVIL}"


def extended_once(bot: Bot) -> Registration:
    """ACME holds a customer and takes its one extension; the clock then reaches the new
    end's first reminder (Tuesday 22 December 10:00), where only a reviewed request is left."""
    held = hold(bot)
    assert held.id is not None and held.valid_until is not None
    at(bot, held.valid_until - 3 * DAY)
    extend(Extend("UACME1", held.id), bot.context)
    again = registration(bot, held.id)
    assert again.extensions == 1 and again.valid_until is not None
    at(bot, again.valid_until - 3 * DAY)
    return again


def reminder(bot: Bot, user: str = "UACME1") -> dict[str, Any]:
    return dms_to(bot, user)[-1]


def open_request_modal(bot: Bot, user: str, message: dict[str, Any]) -> dict[str, Any]:
    mark = bot.slack.mark()
    assert bot.driver.click(user, message=message, action_id=REQUEST_EXTENSION).status == 200
    assert bot.slack.wait_for("views.open", after=mark).ok
    return bot.modal(user)


def request(bot: Bot, user: str = "UACME1", why: str = JUSTIFIED) -> dict[str, Any]:
    """Request an extension from the reminder DM; the card once it is posted."""
    shown = open_request_modal(bot, user, reminder(bot, user))
    assert "Justification" in bot.text_of(shown)
    reply = bot.driver.submit_view(user, {"Justification": why})
    assert reply.json["response_action"] == "update"
    assert "Sent to the reviewers" in bot.text_of(bot.modal(user))
    settle(bot)
    return extension_card(bot)


def is_extension_card(call: Call) -> bool:
    return (
        call.ok
        and call.args.get("channel") == REVIEW_CHANNEL
        and "Extension request #" in json.dumps(call.args.get("blocks"))
    )


def extension_card(bot: Bot) -> dict[str, Any]:
    (call,) = [c for c in posted(bot, REVIEW_CHANNEL) if is_extension_card(c)]
    return bot.slack.message(REVIEW_CHANNEL, call.response["ts"])


def labels(message: dict[str, Any]) -> list[str]:
    return [b["text"]["text"] for b in buttons(message)]
