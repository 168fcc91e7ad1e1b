"""What the opportunity tests share: a seeded company, its stored opportunities and audit, the
create modal."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from bot.domain.model import Customer
from bot.domain.opportunities import Opportunity, Stage
from bot.services.opportunities import CreateOpportunity, business_today, create_opportunity
from bot.services.registrations import Preregister, preregister
from tests.e2e.conftest import Bot

GOOD = {
    "Name": "Migration <!here>",
    "Expected amount": "25000.50",
    "Currency": "EUR",
    "Stage": "proposal",
    "Notes": "Starts with the ERP",
}


def seed(bot: Bot, name: str = "Alpha GmbH", user: str = "UACME1", why: str | None = None) -> int:
    email = f"{name.split()[0].lower()}@kunde.example"
    country = "FR" if why else "DE"
    submitted = preregister(
        Preregister(user, Customer(name, country, email=email), why), bot.context
    )
    assert submitted.registration is not None and submitted.registration.id is not None
    return submitted.registration.id


def stored(bot: Bot, registration_id: int) -> list[Opportunity]:
    with bot.context.uow() as uow:
        return list(uow.opportunities.of_registrations([registration_id]).get(registration_id, ()))


def audit_actions(bot: Bot, registration_id: int) -> list[str]:
    with bot.context.uow() as uow:
        return [e.action for e in uow.audit.for_registration(registration_id)]


def latest_ephemeral(bot: Bot, user: str) -> dict[str, Any]:
    bot.wait_until(lambda: bool(bot.slack.ephemerals(user)))
    return bot.slack.ephemerals(user)[-1]


def open_create_modal(bot: Bot, user: str = "UACME1") -> dict[str, Any]:
    mark = bot.slack.mark()
    assert bot.driver.slash_command(user, "list").status == 200
    listing = latest_ephemeral(bot, user)
    bot.driver.choose(user, "Create opportunity", message=listing, action_id="manage")
    bot.slack.wait_for("views.open", after=mark)
    modal = bot.modal(user)
    assert modal["callback_id"] == "opportunity"
    return modal


def today(bot: Bot) -> date:
    return business_today(bot.context)


def row_of(modal: dict[str, Any], opportunity: Opportunity) -> dict[str, Any]:
    """The modal as far as one opportunity's row: its stage menu is then the only one."""
    (row,) = [b for b in modal["blocks"] if b.get("block_id") == f"opportunity-{opportunity.id}"]
    return {**modal, "blocks": [row]}


def deal(bot: Bot, registration_id: int, name: str, stage: Stage = Stage.PROPOSAL) -> Opportunity:
    cmd = CreateOpportunity(
        "UACME2",
        registration_id,
        name,
        Decimal("1200"),
        "USD",
        today(bot) + timedelta(days=30),
        stage,
    )
    return create_opportunity(cmd, bot.context)
