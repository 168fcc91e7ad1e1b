"""The outbox as the e2e tests look at it: every row, the messages owed, and waiting for quiet."""

from __future__ import annotations

from sqlalchemy import select

from bot.adapters.orm import OutboxRow
from bot.domain.model import Registration
from bot.services.queries import GetRegistration, get_registration
from tests.e2e.conftest import Bot

REFRESHES = ("home_refresh", "messages_refresh")  # App Home and DMs brought up to date


def registration(bot: Bot, registration_id: int | None) -> Registration:
    assert registration_id is not None
    return get_registration(GetRegistration(registration_id), bot.context)


def all_rows(bot: Bot) -> list[OutboxRow]:
    with bot.reading() as session:
        return list(session.scalars(select(OutboxRow).order_by(OutboxRow.id)))


def outbox(bot: Bot) -> list[OutboxRow]:
    """The messages owed, the refreshes of App Home and of sent DMs aside."""
    with bot.reading() as session:
        query = select(OutboxRow).where(OutboxRow.kind.not_in(REFRESHES))
        return list(session.scalars(query.order_by(OutboxRow.id)))


def settle(bot: Bot) -> None:
    """Wait until the outbox worker has nothing due and nothing in flight."""

    def quiet() -> bool:
        now = bot.clock.now
        return all(
            row.status != "pending" or (row.claimed_until is None and row.next_attempt_at > now)
            for row in all_rows(bot)
        )

    bot.wait_until(quiet)
