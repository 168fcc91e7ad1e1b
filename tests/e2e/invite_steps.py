"""What the invitation tests share: a preregistered customer, its links and the DMs that carry
them."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from tests.e2e.conftest import Bot
from tests.e2e.preregister_steps import CUSTOMER, open_form, submit

BASE = "http://localhost:3000/invite/"  # PUBLIC_BASE_URL's default


def links_in(text: str) -> list[str]:
    return [w.strip("<>|") for w in text.split() if w.startswith(BASE)]


def page_url(bot: Bot, link: str) -> str:
    """The link, served by this test's bot (PUBLIC_BASE_URL names the production host)."""
    return bot.stack.urls()[0] + urlsplit(link).path


def dms(bot: Bot, user: str) -> list[dict[str, Any]]:
    return bot.slack.messages(bot.slack.dm_channel(user))


def preregistered(bot: Bot) -> tuple[int, str]:
    """UACME1 pre-registers CUSTOMER through the modal; the result view shows the link."""
    open_form(bot)
    submit(bot, "UACME1", CUSTOMER)
    result = bot.modal("UACME1")
    (link,) = links_in(bot.text_of(result))
    with bot.context.uow() as uow:
        (registration,) = uow.registrations.all()
    assert registration.id is not None
    return registration.id, link
