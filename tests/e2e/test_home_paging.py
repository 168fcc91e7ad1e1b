"""App Home with many registrations: within 100 blocks, searched and paged, and the page kept on
refresh."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from tests import seeding
from tests.e2e.conftest import Bot
from tests.e2e.home_steps import button_values, headers, home_of, rows, seed_many, settle, valid


def click_page(bot: Bot, home: dict[str, Any], label: str, expect: str) -> dict[str, Any]:
    mark = bot.slack.mark()
    assert bot.driver.click("UACME1", view=home, text=label).status == 200
    call = bot.slack.wait_for(
        "views.publish",
        lambda c: c.error is None and expect in json.dumps(c.args, ensure_ascii=False),
        after=mark,
        timeout=20,
    )
    valid(call.args["view"])
    # The page as Slack answered its publish: a refresh of the company's Home may follow it.
    shown: dict[str, Any] = call.response["view"]
    assert expect in bot.text_of(shown)
    return shown


def test_100_active_and_1000_ended_fit_in_100_blocks_with_search_and_paging(bot: Bot) -> None:
    big = replace(bot.context.policy, quota=100)
    object.__setattr__(bot.runtime.context, "policy", big)
    seed_many(bot, 100, 1000)

    home = home_of(bot, "UACME1")
    assert "100 of 100 active" in bot.text_of(home)
    assert "Active (100)" in headers(home) and "Ended recently (1000)" in headers(home)
    more = button_values(home, "home_page")
    assert "More ended recently" in more

    # The ended ones on their own, a page at a time.
    paged = click_page(bot, home, "More ended recently", "1–40 of 1000")
    assert headers(paged)[-1] == "Ended recently (1000)"
    assert "Active (100)" not in headers(paged)
    assert len(rows(paged)) == 40
    second = click_page(bot, paged, "Next page", "41–80 of 1000")
    assert next(iter(rows(second))) == "*Alt 0959* · alt0959@kunde.example"  # latest ended first
    assert {"Previous", "Next page", "All sections"} <= set(button_values(second, "home_page"))

    # Search by email, from the box (Enter dispatches it).
    mark = bot.slack.mark()
    search = {
        "type": "plain_text_input",
        "action_id": "home_search",
        "block_id": "home_search",
        "value": "ALT0999@",
        "action_ts": "1.0",
    }
    bot.driver.block_actions("UACME1", [search], view=home)
    call = bot.slack.wait_for(
        "views.publish", lambda c: "Clear search" in json.dumps(c.args), after=mark
    )
    found = valid(call.args["view"])
    assert list(rows(found)) == ["*Alt 0999* · alt0999@kunde.example"]
    assert "Clear search" in button_values(found, "home_page")
    assert json.loads(button_values(found, "home_page")["Clear search"])["q"] == ""
    bot.slack.assert_clean()


def test_a_refresh_keeps_the_page_the_user_turned_to_until_they_choose_again(bot: Bot) -> None:
    seed_many(bot, 0, 60)
    home = home_of(bot, "UACME1")
    paged = click_page(bot, home, "More ended recently", "1–40 of 60")
    settle(bot)

    # A colleague's new customer refreshes the company's Home: the page stays as it was.
    mark = bot.slack.mark()
    seeding.hold(bot.context, "neu@kunde.de", user="UACME2")
    settle(bot)
    refreshed = bot.slack.wait_for(
        "views.publish", lambda c: c.ok and c.args.get("user_id") == "UACME1", after=mark
    )
    assert "1–40 of 60" in bot.text_of(refreshed.args["view"])
    shown = bot.slack.home_view("UACME1")
    assert shown is not None and headers(shown) == headers(paged)
    assert headers(shown)[-1] == "Ended recently (60)" and "Active (1)" not in headers(shown)

    # Back to every section: the next refresh shows them all, the new customer among them.
    overview = click_page(bot, shown, "All sections", "Active (1)")
    settle(bot)
    mark = bot.slack.mark()
    seeding.hold(bot.context, "noch@kunde.de", user="UACME2")
    settle(bot)
    bot.slack.wait_for(
        "views.publish", lambda c: c.ok and c.args.get("user_id") == "UACME1", after=mark
    )
    again = bot.slack.home_view("UACME1")
    assert (
        again is not None and "Active (2)" in headers(again) and "Active (1)" in headers(overview)
    )
    assert "Ended recently (60)" in headers(again)
