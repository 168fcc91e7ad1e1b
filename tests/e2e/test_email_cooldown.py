"""Two clicks on "Send email" a moment apart send the customer one email, over real HTTP
and SMTP: each click has its own action_ts (no replay), the cooldown decides.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from bot.domain.invite_email import EMAIL_COOLDOWN
from bot.services.invitations import EMAILED
from tests import seeding
from tests.e2e.conftest import Bot
from tests.e2e.opportunity_steps import audit_actions, latest_ephemeral
from tests.e2e.replays import drain
from tests.slack_driver import Reply
from tests.smtp_catcher import Catcher, smtp_catcher

SENT = "on its way"
JUST_SENT = "went to it@kunde.de a moment ago"


@pytest.fixture
def smtp() -> Iterator[tuple[Catcher, str]]:
    with smtp_catcher() as caught:
        yield caught


@pytest.fixture
def bot_settings(smtp: tuple[Catcher, str]) -> dict[str, Any]:
    return {"smtp_url": smtp[1], "mail_from": "invite@prereg.example"}


@pytest.fixture
def registration_id(bot: Bot) -> int:
    """ACME holds the customer whose invitation its users email."""
    held = seeding.hold(bot.context, "it@kunde.de").id
    assert held is not None
    return held


def invitation_modal(bot: Bot, user: str) -> dict[str, Any]:
    """The user opens the invitation from `/preregister list`."""
    bot.driver.slash_command(user, "list")
    listing = latest_ephemeral(bot, user)
    mark = bot.slack.mark()
    bot.driver.choose(user, "Invite", message=listing, action_id="manage")
    bot.slack.wait_for("views.open", after=mark)
    return bot.modal(user)


def answers(bot: Bot, after: int, count: int) -> list[str]:
    """What the clicks were answered in the invitation modal, in no particular order."""
    bot.slack.wait_for_count("views.update", count, after=after)
    return sorted(
        SENT if SENT in text else JUST_SENT if JUST_SENT in text else text
        for text in (
            bot.text_of(c.args["view"]) for c in bot.slack.calls("views.update", after=after)
        )
    )


def emails_owed(bot: Bot) -> int:
    with bot.context.uow() as uow:
        return [e.kind for e in uow.outbox.entries(False, 100)].count("invite_email")


def test_a_double_click_sends_one_email_until_the_cooldown_is_over(
    bot: Bot, smtp: tuple[Catcher, str], registration_id: int
) -> None:
    catcher, _ = smtp
    modal = invitation_modal(bot, "UACME1")
    mark = bot.slack.mark()
    for _ in range(2):  # two clicks, each its own action_ts, on the same modal
        assert bot.driver.click("UACME1", view=modal, text="Send email").status == 200
    assert answers(bot, mark, 2) == [SENT, JUST_SENT]
    drain(bot)
    (mail,) = catcher.wait_for(1)
    assert mail.rcpt_tos == ["it@kunde.de"]
    assert audit_actions(bot, registration_id).count(EMAILED) == 1
    assert emails_owed(bot) == 1

    bot.clock.advance(EMAIL_COOLDOWN)  # a minute later a click sends again
    mark = bot.slack.mark()
    assert bot.driver.click("UACME1", view=modal, text="Send email").status == 200
    assert answers(bot, mark, 1) == [SENT]
    assert len(catcher.wait_for(2)) == 2
    assert emails_owed(bot) == 2


def test_two_colleagues_clicking_at_once_send_one_email(
    bot: Bot, smtp: tuple[Catcher, str], registration_id: int
) -> None:
    catcher, _ = smtp
    modals = {user: invitation_modal(bot, user) for user in ("UACME1", "UACME2")}
    barrier = threading.Barrier(len(modals))
    replies: list[Reply] = []

    def click(user: str) -> None:
        barrier.wait(10)
        replies.append(bot.driver.click(user, view=modals[user], text="Send email"))

    mark = bot.slack.mark()
    threads = [threading.Thread(target=click, args=(user,)) for user in modals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert [reply.status for reply in replies] == [200, 200]
    assert answers(bot, mark, 2) == [SENT, JUST_SENT]
    drain(bot)
    assert len(catcher.wait_for(1)) == 1
    assert audit_actions(bot, registration_id).count(EMAILED) == 1
    assert emails_owed(bot) == 1
