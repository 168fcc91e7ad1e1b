"""A review waiting for a decision is chased halfway and mentioned when overdue, once, even after
downtime."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.model import Status
from tests.e2e.conftest import REVIEW_CHANNEL, REVIEWERS, Bot
from tests.e2e.rows import outbox, registration
from tests.e2e.time_steps import DAY, TICK, ask_review, at, card_of, date_of, posted


def test_a_review_is_chased_in_the_cards_thread_halfway_then_the_reviewers_are_mentioned(
    bot: Bot,
) -> None:
    # Wednesday 10:00 UTC; 2 working days: due Friday 10:00; halfway Thursday 10:00.
    request = ask_review(bot)
    wednesday = bot.clock.now
    assert request.review_due == wednesday + 2 * DAY
    card = card_of(bot, request)

    at(bot, wednesday + DAY - TICK)
    assert len(posted(bot)) == 1, "nothing before halfway"

    at(bot, wednesday + DAY)
    at(bot, wednesday + DAY + timedelta(minutes=1))  # later ticks add nothing
    halfway = posted(bot)[1:]
    assert len(halfway) == 1
    assert halfway[0].args["channel"] == REVIEW_CHANNEL
    assert halfway[0].args["thread_ts"] == card["ts"]
    reminder = bot.slack.message(REVIEW_CHANNEL, halfway[0].response["ts"])
    assert "Half the answer time has passed" in bot.text_of(reminder)
    assert date_of(request.review_due) in bot.text_of(reminder)
    assert "<@" not in bot.text_of(reminder)  # halfway does not ping anyone

    at(bot, wednesday + 2 * DAY - TICK)
    assert len(posted(bot)) == 2
    at(bot, wednesday + 2 * DAY)
    at(bot, wednesday + 5 * DAY)
    overdue = posted(bot)[2:]
    assert len(overdue) == 1
    assert overdue[0].args["thread_ts"] == card["ts"]
    mention = bot.text_of(bot.slack.message(REVIEW_CHANNEL, overdue[0].response["ts"]))
    # Every reviewer who may decide it; UACME2 reviews too but works for the requesting company.
    for reviewer in ("UREV1", "UREV2"):
        assert f"<@{reviewer}>" in mention
    assert "<@UACME2>" not in mention
    assert set(REVIEWERS) == {"UREV1", "UREV2", "UACME2"}
    assert "still waiting" in mention

    # The channel holds one card with two replies in its thread, nothing else.
    channel = bot.slack.messages(REVIEW_CHANNEL)
    assert [m.get("thread_ts") for m in channel] == [None, card["ts"], card["ts"]]
    assert bot.slack.message(REVIEW_CHANNEL, card["ts"])["reply_count"] == 2
    bot.slack.assert_clean()


def test_the_partner_sees_an_overdue_review_in_app_home(bot: Bot) -> None:
    request = ask_review(bot)
    card_of(bot, request)

    def home_after_opening() -> str:
        mark = bot.slack.mark()
        assert bot.driver.app_home_opened("UACME1").status == 200
        bot.slack.wait_for("views.publish", lambda c: c.args.get("user_id") == "UACME1", after=mark)
        home = bot.slack.home_view("UACME1")
        assert home is not None
        return bot.text_of(home)

    at(bot, bot.clock.now + DAY)
    before = home_after_opening()
    assert "Kunde SARL" in before
    assert "Waiting for review" in before and "overdue" not in before

    assert request.review_due is not None
    at(bot, request.review_due)
    after = home_after_opening()
    assert "Kunde SARL" in after
    assert "Review overdue" in after
    assert date_of(request.review_due) in after
    bot.slack.assert_clean()


def test_after_downtime_past_the_deadline_only_the_overdue_mention_is_posted(bot: Bot) -> None:
    request = ask_review(bot)
    card = card_of(bot, request)
    assert request.review_due is not None

    at(bot, request.review_due + 3 * DAY)
    at(bot, request.review_due + 3 * DAY + timedelta(minutes=1))

    (chase,) = posted(bot)[1:]
    assert chase.args["thread_ts"] == card["ts"]
    text = bot.text_of(bot.slack.message(REVIEW_CHANNEL, chase.response["ts"]))
    assert "still waiting" in text and "Half the answer time" not in text
    bot.slack.assert_clean()


def test_a_chase_delayed_past_the_decision_is_skipped(bot: Bot) -> None:
    request = ask_review(bot)
    card = card_of(bot, request)
    assert request.review_due is not None
    bot.slack.fail_next("chat.postMessage", status=500)
    at(bot, request.review_due + timedelta(hours=1))  # the overdue mention meets a 500
    assert [r.status for r in outbox(bot) if r.kind == "review_overdue"] == ["pending"]

    assert bot.driver.click("UREV1", message=card, text="Approve").status == 200
    bot.wait_until(lambda: registration(bot, request.id).status is Status.PREREGISTERED)
    at(bot, bot.clock.now + timedelta(minutes=5))  # Slack is back: the row goes out late

    # The row is settled as skipped: no late thread message, nobody pinged.
    assert [r.status for r in outbox(bot) if r.kind == "review_overdue"] == ["skipped"]
    assert [c for c in posted(bot, REVIEW_CHANNEL) if c.args.get("thread_ts") == card["ts"]] == []
    bot.slack.assert_clean()
