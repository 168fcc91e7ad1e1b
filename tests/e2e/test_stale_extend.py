"""An Extend button carries the extensions taken as it was shown: with two extensions
allowed, a double click (two clicks, two action_ts) or a colleague's copy of the same
reminder extends once, and the second click is told it was already extended."""

from __future__ import annotations

from typing import Any

import pytest

from bot.blocks.reminders import EXTEND
from tests import seeding
from tests.e2e.conftest import Bot
from tests.e2e.rows import registration
from tests.e2e.time_steps import DAY, at, dms_to, hold


@pytest.fixture
def bot_settings() -> dict[str, Any]:
    return {"prereg_extensions": 2}


def test_a_double_click_on_extend_extends_once_and_says_so(bot: Bot) -> None:
    held = hold(bot)
    end = seeding.ends(held)
    at(bot, end - DAY)
    (reminder,) = [m for m in dms_to(bot, "UACME1") if "Extend" in bot.text_of(m)][-1:]
    for _ in range(2):  # the same copy clicked twice: each click has its own action_ts
        assert bot.driver.click("UACME1", message=reminder, action_id=EXTEND).status == 200
    bot.wait_until(lambda: bool(bot.slack.ephemerals("UACME1")))
    extended = registration(bot, held.id)
    assert extended.extensions == 1
    assert extended.valid_until == end + bot.context.policy.validity
    said = bot.text_of(bot.slack.ephemerals("UACME1")[-1])
    assert "already extended" in said
    bot.slack.assert_clean()


def test_a_fresh_copy_may_take_the_second_extension(bot: Bot) -> None:
    held = hold(bot)
    end = seeding.ends(held)
    at(bot, end - DAY)
    reminder = [m for m in dms_to(bot, "UACME1") if "Extend" in bot.text_of(m)][-1]
    assert bot.driver.click("UACME1", message=reminder, action_id=EXTEND).status == 200
    bot.wait_until(lambda: registration(bot, held.id).extensions == 1)
    at(bot, end + bot.context.policy.validity - DAY)  # inside the window of the new end
    # The list shows the registration as it is now: its Extend is for the second extension.
    assert bot.driver.slash_command("UACME1", "list").status == 200
    bot.wait_until(lambda: bool(bot.slack.ephemerals("UACME1")))
    listing = bot.slack.ephemerals("UACME1")[-1]
    assert bot.driver.choose("UACME1", "Extend", message=listing, action_id="manage").status == 200
    bot.wait_until(lambda: registration(bot, held.id).extensions == 2)
    assert registration(bot, held.id).valid_until == end + 2 * bot.context.policy.validity
    bot.slack.assert_clean()
