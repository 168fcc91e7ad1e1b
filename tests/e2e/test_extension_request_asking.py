"""Asking for an extension: what the list and App Home offer, replays, two users at once,
chasers and lapse."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import func, select

from bot.adapters.orm import ExtensionRequestRow
from bot.blocks.extension_requests import APPROVE_EXTENSION
from bot.domain.model import Status
from bot.services.registrations import Extend, extend
from tests.e2e.conftest import REVIEW_CHANNEL, Bot
from tests.e2e.extension_request_steps import (
    JUSTIFIED,
    extended_once,
    extension_card,
    labels,
    open_request_modal,
    reminder,
    request,
)
from tests.e2e.home_steps import home_of, rows
from tests.e2e.review_steps import ephemeral_for, race
from tests.e2e.rows import registration, settle
from tests.e2e.time_steps import ACME_USERS, DAY, at, buttons, dms_to, hold
from tests.slack_driver import Reply


def requests_stored(bot: Bot) -> int:
    with bot.reading() as session:
        return int(session.scalar(select(func.count()).select_from(ExtensionRequestRow)) or 0)


def test_the_list_and_app_home_say_extend_or_request_before_the_click(bot: Bot) -> None:
    held = hold(bot)
    assert held.id is not None and held.valid_until is not None
    at(bot, held.valid_until - 3 * DAY)
    assert labels(reminder(bot)) == ["Extend"]
    assert "Extend" in next(iter(rows(home_of(bot, "UACME1")).values()))

    extend(Extend("UACME1", held.id), bot.context)
    end = registration(bot, held.id).valid_until
    assert end is not None
    at(bot, end - 3 * DAY)
    options = next(iter(rows(home_of(bot, "UACME1")).values()))
    assert "Request an extension" in options and "Extend" not in options
    assert bot.driver.slash_command("UACME1", "list").status == 200
    bot.wait_until(lambda: bool(bot.slack.ephemerals("UACME1")))
    listing = bot.slack.ephemerals("UACME1")[-1]
    assert "Request an extension" in json.dumps(listing["blocks"])
    # Chosen from the list's menu, it opens the same modal.
    mark = bot.slack.mark()
    bot.driver.choose("UACME1", "Request an extension", message=listing, action_id="manage")
    assert bot.slack.wait_for("views.open", after=mark).ok
    assert "Justification" in bot.text_of(bot.modal("UACME1"))
    bot.slack.assert_clean()


def test_a_replayed_request_asks_once(bot: Bot) -> None:
    extended_once(bot)
    shown = open_request_modal(bot, "UACME1", reminder(bot))
    first = bot.driver.submit_view("UACME1", {"Justification": JUSTIFIED}, view=shown)
    again = bot.driver.submit_view("UACME1", {"Justification": JUSTIFIED}, view=shown)
    for reply in (first, again):
        assert reply.json["response_action"] == "update"
        assert "Sent to the reviewers" in json.dumps(reply.json["view"])
    settle(bot)
    assert requests_stored(bot) == 1
    extension_card(bot)  # exactly one card
    bot.slack.assert_clean()


def test_two_users_requesting_at_once_leave_one_request(bot: Bot) -> None:
    extended_once(bot)
    views = {u: open_request_modal(bot, u, reminder(bot, u)) for u in ACME_USERS}

    def submit(user: str) -> Callable[[], Reply]:
        return lambda: bot.driver.submit_view(
            user, {"Justification": f"{user} says why"}, view=views[user]
        )

    replies = race(*(submit(u) for u in ACME_USERS))
    settle(bot)
    assert requests_stored(bot) == 1
    extension_card(bot)
    said = sorted(json.dumps(r.json["view"]) for r in replies)
    assert sum("Sent to the reviewers" in s for s in said) == 1
    assert sum("already waits for a reviewer" in s for s in said) == 1
    bot.slack.assert_clean()


def test_a_request_is_chased_in_its_thread_then_lapses_when_the_reservation_ends(bot: Bot) -> None:
    held = extended_once(bot)  # Tuesday 22 December 10:00
    assert held.id is not None and held.valid_until is not None
    tuesday = bot.clock.now
    card = request(bot)

    def in_thread() -> list[str]:
        return [
            bot.text_of(m)
            for m in bot.slack.messages(REVIEW_CHANNEL)
            if m.get("thread_ts") == card["ts"] and m["ts"] != card["ts"]
        ]

    at(bot, tuesday + DAY - timedelta(minutes=1))
    assert in_thread() == []
    at(bot, tuesday + DAY)  # halfway through two working days
    at(bot, tuesday + DAY + timedelta(hours=1))
    (halfway,) = in_thread()
    assert "Half the answer time" in halfway
    at(bot, tuesday + 2 * DAY)  # Thursday 10:00: due, the reviewers who may decide mentioned
    halfway, overdue = in_thread()
    assert "<@UREV1>" in overdue and "<@UACME2>" not in overdue

    at(bot, held.valid_until)  # Friday: the reservation ends before anyone decided
    ended = registration(bot, held.id)
    assert ended.status is Status.EXPIRED and ended.extension_request is None
    now_card = bot.slack.message(REVIEW_CHANNEL, card["ts"])
    assert "Lapsed" in bot.text_of(now_card) and not buttons(now_card)
    for user in ACME_USERS:
        assert any("lapsed" in bot.text_of(m) for m in dms_to(bot, user))
    # The stale card's Approve: already decided (lapsed), the reservation stays ended.
    assert bot.driver.click("UREV1", message=card, action_id=APPROVE_EXTENSION).status == 200
    assert "already decided" in ephemeral_for(bot, "UREV1")
    assert registration(bot, held.id).status is Status.EXPIRED
    bot.slack.assert_clean()
