"""What the tests of time share: the clock's steps, a review case, and what the bot posted and
when."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.domain.model import Registration
from bot.scheduler import JOBS
from tests import seeding
from tests.e2e.conftest import REVIEW_CHANNEL, Bot
from tests.e2e.rows import outbox, settle
from tests.slack_standin import Call

DAY = timedelta(days=1)
TICK = timedelta(microseconds=1)
ACME_USERS = ("UACME1", "UACME2")


def hold(bot: Bot, email: str = "einkauf@kunde.example") -> Registration:
    """ACME pre-registers a customer the rules let through at once. The DM with its
    invitation link is set aside by `posted` and `dms_to`: these tests follow the reminders."""
    return seeding.hold(bot.context, email)


def ask_review(bot: Bot) -> Registration:
    """ACME (DE) asks for a review of a French customer; the card's outbox row is written."""
    return seeding.ask_review(bot.context, "achat@kunde.fr")


def at(bot: Bot, moment: datetime) -> None:
    """The clock reaches `moment` and the periodic jobs tick, as the scheduler would; the worker
    delivers what they wrote. Settled first, so no send is in flight while the clock jumps."""
    settle(bot)
    bot.clock.now = moment
    for job in JOBS:
        job.run(bot.runtime)
    bot.runtime.outbox_wake.set()
    settle(bot)


def posted(bot: Bot, channel: str | None = None, after: int = 0) -> list[Call]:
    """chat.postMessage calls Slack accepted (to `channel`, if given), but for the DMs with
    the invitation link that every pre-registration sends."""
    aside = _invitation_dms(bot)
    return bot.slack.calls(
        "chat.postMessage",
        lambda c: (
            c.ok
            and (channel is None or c.response["channel"] == channel)
            and _outbox_id(c.args) not in aside
        ),
        after=after,
    )


def _invitation_dms(bot: Bot) -> set[int]:
    return {row.id for row in outbox(bot) if row.kind == "preregistered"}


def _outbox_id(message: dict[str, Any]) -> int | None:
    metadata = message.get("metadata") or {}
    return (metadata.get("event_payload") or {}).get("id")


def card_of(bot: Bot, request: Registration) -> dict[str, Any]:
    """The review card, once delivered."""
    settle(bot)
    (call,) = posted(bot, REVIEW_CHANNEL)
    card = bot.slack.message(REVIEW_CHANNEL, call.response["ts"])
    assert f"Registration #{request.id} ·" in bot.text_of(card)
    return card


def dms_to(bot: Bot, user: str) -> list[dict[str, Any]]:
    """The messages in the bot's DM with `user`, as they look now (invitation DMs aside)."""
    aside = _invitation_dms(bot)
    found = bot.slack.messages(bot.slack.dm_channel(user))
    return [m for m in found if _outbox_id(m) not in aside]


def date_of(moment: datetime | None) -> str:
    assert moment is not None
    return f"<!date^{int(moment.timestamp())}^"


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in message.get("blocks") or [] if b["type"] == "actions" for e in b["elements"]]
