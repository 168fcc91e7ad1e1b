"""A slow App Home publish never lands over a newer one: Slack's views.publish `hash`."""

from __future__ import annotations

from pathlib import Path

from bot.services.errors import HOME_CONTENDED
from bot.services.home_publish import ATTEMPTS
from tests import seeding
from tests.e2e.conftest import Bot
from tests.e2e.home_steps import settle
from tests.slack_standin import Call

USER = "UACME1"


def for_user(call: Call) -> bool:
    return call.args.get("user_id") == USER


def stored_hash(bot: Bot) -> str | None:
    with bot.context.uow() as uow:
        return uow.home_views.latest(USER).hash


def test_an_older_render_delayed_in_flight_loses_to_the_newer_one(bot: Bot) -> None:
    first = bot.slack.mark()
    assert bot.driver.app_home_opened(USER).status == 200  # Slack shows a Home: it has a hash
    bot.slack.wait_for("views.publish", for_user, after=first)
    bot.wait_until(lambda: stored_hash(bot) is not None)
    settle(bot)
    mark = bot.slack.mark()
    bot.slack.slow("views.publish", 3.0)  # the next publish: the one answering the opening

    # The user opens Home on an empty company; its publish is held up on the way to Slack.
    assert bot.driver.app_home_opened(USER).status == 200
    bot.wait_until(lambda: not bot.slack.faults._queues.get("views.publish"))
    # Meanwhile a customer is pre-registered: the outbox publishes the newer Home first.
    seeding.hold(bot.context, "it@kunde.de", user="UACME2")
    settle(bot)

    # The refresh, the delayed publish refused by Slack, and the opening rendered again.
    calls = bot.slack.wait_for_count("views.publish", 3, for_user, after=mark)
    assert [c.ok for c in calls] == [True, False, True]
    assert calls[1].error == "hash_conflict"
    assert "Kunde GmbH" not in bot.text_of(calls[1].args["view"])  # the older render
    home = bot.slack.home_view(USER)
    assert home is not None
    assert "Kunde GmbH" in bot.text_of(home)  # what stands now, not the empty Home


def logged_since(log: Path, offset: int) -> str:
    with log.open("rb") as file:
        file.seek(offset)
        return file.read().decode("utf-8", errors="replace")


def lose_every_publish(bot: Bot) -> int:
    """Slack refuses the next publishes as changed since (others keep publishing newer)."""
    settle(bot)
    mark = bot.slack.mark()
    bot.slack.fail_next("views.publish", error="hash_conflict", times=ATTEMPTS)
    return mark


def test_opening_a_home_others_keep_publishing_is_a_refusal_not_a_failure(
    bot: Bot, suite_log: Path
) -> None:
    before = suite_log.stat().st_size
    mark = lose_every_publish(bot)

    assert bot.driver.app_home_opened(USER).status == 200

    calls = bot.slack.wait_for_count("views.publish", ATTEMPTS, for_user, after=mark)
    assert [c.error for c in calls] == ["hash_conflict"] * ATTEMPTS
    bot.wait_until(lambda: "HomeContended" in logged_since(suite_log, before))
    logged = logged_since(suite_log, before)
    assert "refused: event=app_home_opened" in logged
    assert "listener failed" not in logged
    assert "Traceback" not in logged


def test_a_search_every_publish_of_which_loses_tells_the_user_to_try_again(bot: Bot) -> None:
    first = bot.slack.mark()
    assert bot.driver.app_home_opened(USER).status == 200
    bot.slack.wait_for("views.publish", for_user, after=first)
    home = bot.slack.home_view(USER)
    assert home is not None
    mark = lose_every_publish(bot)
    search = {
        "type": "plain_text_input",
        "action_id": "home_search",
        "block_id": "home_search",
        "value": "kunde",
        "action_ts": "1.0",
    }

    assert bot.driver.block_actions(USER, [search], view=home).status == 200

    notice = bot.slack.wait_for("views.open", lambda c: True, after=mark)
    assert HOME_CONTENDED in bot.text_of(notice.args["view"])
    assert bot.slack.home_view(USER) == home  # what the user saw stays
