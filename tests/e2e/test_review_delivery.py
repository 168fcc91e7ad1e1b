"""The card and the DMs reach Slack exactly once through rate limits and failures."""

from __future__ import annotations

from datetime import timedelta

from bot.blocks.review import APPROVE
from tests.e2e.conftest import REVIEW_CHANNEL, Bot
from tests.e2e.review_steps import (
    ACME_USERS,
    buttons,
    card,
    decided,
    dms,
    request_review,
    requested_card,
)
from tests.e2e.rows import outbox, settle


def test_a_rate_limited_card_is_retried_after_retry_after_and_posted_once(bot: Bot) -> None:
    bot.slack.fail_next("chat.postMessage", status=429, retry_after=1)
    request = request_review(bot)
    assert request.id is not None
    limited = bot.slack.wait_for("chat.postMessage")
    assert limited.status == 429 and limited.injected
    settle(bot)
    (row,) = outbox(bot)
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "ratelimited")
    assert row.next_attempt_at == bot.clock.now + timedelta(seconds=1)
    # Not before Retry-After has passed.
    assert bot.runtime.deliver_outbox().sent == 0
    assert bot.slack.messages(REVIEW_CHANNEL) == []

    bot.clock.advance(timedelta(seconds=1))
    bot.runtime.outbox_wake.set()
    shown = card(bot, request.id)
    settle(bot)

    assert buttons(shown)["Approve"] == (APPROVE, str(request.id))
    assert bot.slack.messages(REVIEW_CHANNEL) == [shown]
    assert len(bot.slack.calls("chat.postMessage", lambda c: c.ok)) == 1
    (row,) = outbox(bot)
    assert (row.status, row.attempts) == ("sent", 2)
    assert row.result == {"channel": REVIEW_CHANNEL, "ts": shown["ts"]}
    bot.slack.assert_clean()  # injected failures aside


def test_a_card_to_a_missing_channel_is_a_dead_letter(bot: Bot) -> None:
    bot.slack.fail_next("chat.postMessage", error="channel_not_found")
    request_review(bot)
    bot.wait_until(lambda: outbox(bot)[0].status == "dead")
    (row,) = outbox(bot)
    assert (row.attempts, row.last_error, row.claimed_until) == (1, "channel_not_found", None)
    settle(bot)  # the App Home refreshes go their own way

    bot.clock.advance(timedelta(days=1))
    bot.runtime.outbox_wake.set()
    assert bot.runtime.deliver_outbox().sent == 0
    settle(bot)
    assert len(bot.slack.calls("chat.postMessage")) == 1, "a dead letter is not retried"
    assert bot.slack.messages(REVIEW_CHANNEL) == []
    bot.slack.assert_clean()


def test_a_dm_that_fails_is_retried_and_each_user_gets_exactly_one(bot: Bot) -> None:
    request_id, shown = requested_card(bot)
    settle(bot)
    bot.slack.fail_next("chat.postMessage", status=500)
    assert bot.driver.click("UREV1", message=shown, text="Approve").status == 200
    decided(bot, request_id)
    assert len(dms(bot)) == 1
    failed = [r for r in outbox(bot) if r.status == "pending"]
    assert [(r.kind, r.attempts) for r in failed] == [("decision", 1)]

    bot.clock.advance(timedelta(minutes=1))  # past any backoff of a first attempt
    bot.runtime.outbox_wake.set()
    bot.wait_until(lambda: len(dms(bot)) == 2)
    settle(bot)

    assert sorted(user for user, _ in dms(bot)) == sorted(ACME_USERS)
    assert {r.status for r in outbox(bot)} == {"sent"}
    bot.slack.assert_clean()
