"""What the App Home tests share: a home as published, its sections, rows and buttons."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from slack_sdk.models.views import View
from sqlalchemy import select

from bot.adapters.orm import OutboxRow
from bot.domain.model import Customer, Registration, Status
from tests.e2e.conftest import Bot

DAY = timedelta(days=1)


def settle(bot: Bot) -> None:
    """Every message owed so far is delivered: no earlier refresh can land after the mark."""

    def quiet() -> bool:
        with bot.reading() as session:
            rows = session.scalars(select(OutboxRow).where(OutboxRow.status == "pending"))
            return all(r.claimed_until is None and r.next_attempt_at > bot.clock.now for r in rows)

    bot.runtime.outbox_wake.set()
    bot.wait_until(quiet, timeout=60)


def home_of(bot: Bot, user: str) -> dict[str, Any]:
    """The Home published in answer to opening it (a refresh may land after it)."""
    settle(bot)
    mark = bot.slack.mark()
    assert bot.driver.app_home_opened(user).status == 200
    # A publish refused as older than a refresh landing meanwhile (hash_conflict) is redone.
    call = bot.slack.wait_for(
        "views.publish", lambda c: c.ok and c.args.get("user_id") == user, after=mark
    )
    valid(call.args["view"])
    return bot.slack.view(call.response["view"]["id"])  # as Slack keeps it, with its id


def valid(view: dict[str, Any]) -> dict[str, Any]:
    """Slack would take it: slack_sdk's models keep every key, and under 100 blocks."""
    assert View(**view).to_dict() == view
    assert 1 <= len(view["blocks"]) <= 100
    return view


def headers(view: dict[str, Any]) -> list[str]:
    return [b["text"]["text"] for b in view["blocks"] if b["type"] == "header"]


def rows(view: dict[str, Any]) -> dict[str, list[str]]:
    """Each customer row's text → the actions its overflow menu offers."""
    return {
        b["text"]["text"].split("\n")[0]: [o["text"]["text"] for o in b["accessory"]["options"]]
        if b.get("accessory", {}).get("type") == "overflow"
        else []
        for b in view["blocks"]
        if b.get("block_id", "").startswith("registration-")
    }


def button_values(view: dict[str, Any], action_id: str) -> dict[str, str]:
    """Label → value of the buttons whose action_id starts with `action_id`."""
    return {
        e["text"]["text"]: e.get("value", "")
        for b in view["blocks"]
        for e in ([*b.get("elements", [])] + ([b["accessory"]] if "accessory" in b else []))
        if isinstance(e, dict) and str(e.get("action_id", "")).startswith(action_id)
    }


def seed_many(bot: Bot, active: int, ended: int) -> None:
    now = bot.clock.now
    policy = bot.context.policy
    with bot.context.uow() as uow:
        for n in range(active):
            customer = Customer(f"Aktiv {n:04d}", "DE", email=f"aktiv{n:04d}@kunde.example")
            uow.registrations.add(
                Registration.preregistered("acme", customer, now, policy.validity)
            )
        for n in range(ended):
            customer = Customer(f"Alt {n:04d}", "DE", email=f"alt{n:04d}@kunde.example")
            old = Registration.preregistered("acme", customer, now - 20 * DAY, policy.validity)
            old.status, old.ended_at = Status.EXPIRED, now - 5 * DAY + n * timedelta(minutes=1)
            uow.registrations.add(old)
        uow.commit()
