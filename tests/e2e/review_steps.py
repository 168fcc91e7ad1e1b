"""What the review tests share: a review case, its card, the outbox and the DMs."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.blocks.reject import REJECT_MODAL
from bot.domain.model import Customer, CustomerFacts, Registration, Status
from bot.services.registrations import Preregister, preregister
from tests.e2e.conftest import REVIEW_CHANNEL, Bot
from tests.e2e.rows import outbox, registration, settle
from tests.slack_driver import Reply
from tests.slack_standin import Call
from tests.together import at_once

ACME_USERS = {"UACME1", "UACME2"}
# The outbox of an approval: the card, its update, and a DM to each of ACME's two users.
APPROVED_AND_TOLD = ["review_request", "review_decided", "decision", "decision"]
EVIL = "<!channel> & <@UBETA1> <http://evil.example|click me>"


def in_directory(bot: Bot, **known: Any) -> None:
    with bot.context.uow() as uow:
        uow.directory.upsert(CustomerFacts(**known))
        uow.commit()


def request_review(
    bot: Bot,
    name: str = "Kunde SARL",
    email: str = "achat@kunde.fr",
    country: str = "FR",
    justification: str = "Met at a fair",
) -> Registration:
    """ACME (DE) asks for a review; the use case writes the card's outbox row."""
    submitted = preregister(
        Preregister("UACME1", Customer(name, country, email=email), justification), bot.context
    )
    registration = submitted.registration
    assert registration is not None and registration.id is not None
    assert registration.status is Status.PENDING_REVIEW
    return registration


def is_card_of(registration_id: int) -> Callable[[Call], bool]:
    marker = f"Registration #{registration_id} ·"
    return lambda call: (
        call.ok
        and call.args.get("channel") == REVIEW_CHANNEL
        and marker in json.dumps(call.args.get("blocks"), ensure_ascii=False)
    )


def card(bot: Bot, registration_id: int) -> dict[str, Any]:
    """The review card as the channel shows it now (waits for it to be posted)."""
    posted = bot.slack.wait_for("chat.postMessage", is_card_of(registration_id))
    return bot.slack.message(REVIEW_CHANNEL, posted.response["ts"])


def requested_card(bot: Bot) -> tuple[int, dict[str, Any]]:
    """A review request's registration id, and its card as the channel shows it."""
    request = request_review(bot)
    assert request.id is not None
    return request.id, card(bot, request.id)


def buttons(message: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Visible label -> (action_id, value) of every button on the message."""
    return {
        element["text"]["text"]: (element["action_id"], element.get("value", ""))
        for block in message.get("blocks") or []
        if block["type"] == "actions"
        for element in block["elements"]
        if element["type"] == "button"
    }


def outbox_kinds(bot: Bot) -> list[tuple[str, str, str]]:
    return [(row.kind, row.recipient, row.status) for row in outbox(bot)]


def decided(bot: Bot, registration_id: int) -> Registration:
    """Wait for the decision (button listeners run after their ack), then for its messages."""
    bot.wait_until(lambda: registration(bot, registration_id).status is not Status.PENDING_REVIEW)
    settle(bot)
    return registration(bot, registration_id)


def dms(bot: Bot) -> list[tuple[str, dict[str, Any]]]:
    """(user, message) for every DM the bot posted, in order."""
    opened = {
        call.response["channel"]["id"]: call.args["users"]
        for call in bot.slack.calls("conversations.open")
        if call.ok
    }
    return [
        (
            opened[call.response["channel"]],
            bot.slack.message(call.response["channel"], call.response["ts"]),
        )
        for call in bot.slack.calls("chat.postMessage")
        if call.ok and call.response["channel"].startswith("D")
    ]


def date_of(moment: datetime | None) -> str:
    """What slack_date puts in the text for `moment`: `<!date^<epoch>^`."""
    assert moment is not None
    return f"<!date^{int(moment.timestamp())}^"


def card_updates(bot: Bot) -> list[Call]:
    return [c for c in bot.slack.calls("chat.update") if c.ok]


def other(details: str) -> dict[str, str]:
    """The reject modal's answers: the preset Other, with the reviewer's own words."""
    return {"Reason": "Other", "Details for the partner": details}


def open_reject_modal(bot: Bot, reviewer: str, message: dict[str, Any]) -> dict[str, Any]:
    mark = bot.slack.mark()
    assert bot.driver.click(reviewer, message=message, text="Reject").status == 200
    opened = bot.slack.wait_for("views.open", after=mark)
    assert opened.ok, opened.response
    modal = bot.modal(reviewer)
    assert modal["callback_id"] == REJECT_MODAL
    return modal


def ephemeral_for(bot: Bot, user: str) -> str:
    bot.wait_until(lambda: bool(bot.slack.ephemerals(user)))
    (shown,) = bot.slack.ephemerals(user)
    return bot.text_of(shown)


def race(*actions: Callable[[], Reply]) -> list[Reply]:
    """Run the actions at the same moment (a barrier), each on its own thread; each answers 200."""
    replies = at_once(*actions, timeout=15)
    assert all(reply.status == 200 for reply in replies), [reply.status for reply in replies]
    return replies


def mrkdwn_of(surface: dict[str, Any]) -> list[str]:
    """Every text Slack parses for mentions and links: mrkdwn objects and the message text."""
    found: list[str] = [surface["text"]] if isinstance(surface.get("text"), str) else []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(surface.get("blocks") or [])
    return found
