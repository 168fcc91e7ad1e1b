"""Extensions through review over real HTTP, on the working-day calendar with the test clock:
once its own extension is used the partner requests one more with a justification; the request
is a card of its own kind that a reviewer approves or rejects; the partner hears by DM; the card
changes in place; a replay asks once; two at once leave one; an ended reservation lapses it."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from bot.adapters.orm import ExtensionRequestRow
from bot.blocks.extension_requests import APPROVE_EXTENSION, REJECT_EXTENSION, REQUEST_EXTENSION
from bot.domain.model import Registration, Status
from bot.services.registrations import Extend, extend
from tests.e2e.conftest import REVIEW_CHANNEL, Bot
from tests.e2e.rows import registration, settle
from tests.e2e.test_home import home_of, rows
from tests.e2e.test_review import EVIL, ephemeral_for, mrkdwn_of, race
from tests.e2e.test_time import ACME_USERS, DAY, at, buttons, date_of, dms_to, hold, posted
from tests.slack_driver import Reply
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


def requests_stored(bot: Bot) -> int:
    with bot.reading() as session:
        return int(session.scalar(select(func.count()).select_from(ExtensionRequestRow)) or 0)


def labels(message: dict[str, Any]) -> list[str]:
    return [b["text"]["text"] for b in buttons(message)]


# --------------------------------------------------------------------------


def test_a_requested_extension_approved_extends_from_the_current_end(bot: Bot) -> None:
    held = extended_once(bot)
    assert held.id is not None and held.valid_until is not None
    end, validity = held.valid_until, bot.context.policy.validity
    # The reminder says before the click that a reviewer decides this one.
    assert labels(reminder(bot)) == ["Request an extension"]
    assert date_of(end + validity) in bot.text_of(reminder(bot))

    card = request(bot)
    shown = bot.text_of(card)
    assert "Extension request: Kunde GmbH" in shown
    assert date_of(end) in shown and "Extensions taken" in shown
    assert "The rollout slipped to January." in shown and "Partner's record" in shown
    # Answer by Thursday 10:00: two working days after Tuesday 10:00.
    assert date_of(bot.clock.now + 2 * DAY) in shown
    assert not any("<!channel>" in t or "<@UBETA1>" in t for t in mrkdwn_of(card))
    assert set(labels(card)) == {"Approve extension", "Reject"}
    # While it waits: every reminder copy says so, without a button; held as it was.
    bot.wait_until(
        lambda: all(
            not buttons(dms_to(bot, u)[-1])
            and "Extension requested" in bot.text_of(dms_to(bot, u)[-1])
            for u in ACME_USERS
        )
    )
    assert registration(bot, held.id).valid_until == end

    # A reviewer of the same company may not decide; another reviewer approves.
    assert bot.driver.click("UACME2", message=card, action_id=APPROVE_EXTENSION).status == 200
    assert "can't decide" in ephemeral_for(bot, "UACME2")
    assert bot.driver.click("UREV1", message=card, action_id=APPROVE_EXTENSION).status == 200
    bot.wait_until(lambda: registration(bot, held.id).valid_until == end + validity)
    settle(bot)
    approved = registration(bot, held.id)
    assert approved.status is Status.PREREGISTERED and approved.extension_request is None

    # The card is updated in place; each of the company's users hears it.
    now_card = bot.slack.message(REVIEW_CHANNEL, card["ts"])
    assert "Extension approved by <@UREV1>" in bot.text_of(now_card)
    assert date_of(end + validity) in bot.text_of(now_card) and not buttons(now_card)
    for user in ACME_USERS:
        told = [m for m in dms_to(bot, user) if "Extension approved" in bot.text_of(m)]
        assert len(told) == 1 and date_of(end + validity) in bot.text_of(told[0])
    # The stale card clicked again: already decided, nothing changes.
    assert bot.driver.click("UREV2", message=card, action_id=APPROVE_EXTENSION).status == 200
    assert "already decided" in ephemeral_for(bot, "UREV2")
    assert registration(bot, held.id).valid_until == end + validity
    bot.slack.assert_clean()


def test_a_requested_extension_rejected_with_a_reason_keeps_the_end(bot: Bot) -> None:
    held = extended_once(bot)
    assert held.id is not None and held.valid_until is not None
    end = held.valid_until
    card = request(bot, "UACME2")

    mark = bot.slack.mark()
    assert bot.driver.click("UREV2", message=card, action_id=REJECT_EXTENSION).status == 200
    assert bot.slack.wait_for("views.open", after=mark).ok
    assert "Reason" in bot.text_of(bot.modal("UREV2"))
    empty = bot.driver.submit_view("UREV2", {"Reason": "   "}, check=False)
    assert empty.json["response_action"] == "errors"
    assert bot.driver.submit_view("UREV2", {"Reason": f"Long enough already {EVIL}"}).json is None
    bot.wait_until(lambda: registration(bot, held.id).extension_request is None)
    settle(bot)

    assert registration(bot, held.id).valid_until == end
    now_card = bot.slack.message(REVIEW_CHANNEL, card["ts"])
    assert "Extension rejected by <@UREV2>" in bot.text_of(now_card) and not buttons(now_card)
    for user in ACME_USERS:
        (told,) = [m for m in dms_to(bot, user) if "was rejected" in bot.text_of(m)]
        assert "Long enough already" in bot.text_of(told) and date_of(end) in bot.text_of(told)
        assert not any("<!channel>" in t for t in mrkdwn_of(told))
    bot.slack.assert_clean()


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
