"""App Home as the dashboard, over real HTTP: empty, typical, a reviewer's queue, and a
company with 100 active and 1,000 ended customers inside Slack's 100 blocks; search, paging,
the Pre-register button, and every company user's Home published again after a change."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from typing import Any

from slack_sdk.models.views import View
from sqlalchemy import select

from bot.adapters.orm import OutboxRow
from bot.domain.model import Customer, Registration, Status
from bot.services.registrations import Delete, delete
from tests import seeding
from tests.e2e.conftest import REVIEW_CHANNEL, Bot
from tests.slack_standin import Call

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


def test_an_empty_company_sees_its_meter_and_the_pre_register_button(bot: Bot) -> None:
    home = home_of(bot, "UBETA1")
    shown = bot.text_of(home)
    assert "Beta Systems" in headers(home)
    assert "0 of 3 active" in shown
    assert "No customers yet" in shown
    assert "Pre-register customer" in button_values(home, "home_preregister")

    mark = bot.slack.mark()
    assert bot.driver.click("UBETA1", view=home, action_id="home_preregister").status == 200
    opened = bot.slack.wait_for("views.open", after=mark)
    assert opened.ok and opened.args["view"]["callback_id"] == "preregister"
    bot.slack.assert_clean()


def test_a_typical_company_sees_its_sections_with_the_actions_that_apply(bot: Bot) -> None:
    gone = seeding.hold(bot.context, "weg@kunde.example")
    assert gone.id is not None
    delete(Delete("UACME1", gone.id), bot.context)
    active = seeding.hold(bot.context, "aktiv@kunde.example")
    ending = seeding.hold(bot.context, "bald@kunde.example")
    seeding.ask_review(bot.context, "achat@kunde.fr")
    assert ending.id is not None and active.id is not None
    bot.clock.advance(timedelta(days=13))  # both end in two days: inside the reminder window

    home = home_of(bot, "UACME1")
    assert headers(home)[:1] == ["Acme Cloud Partners"]
    assert "Waiting for review (1)" in headers(home)
    assert "Expiring soon (2)" in headers(home)
    assert "Ended recently (1)" in headers(home)
    offered = rows(home)
    assert offered["*Kunde SARL* · achat@kunde.fr"] == []  # the reviewers hold it
    assert offered["*Kunde GmbH* · bald@kunde.example"] == [
        "Invite",
        "Create opportunity",
        "Extend",
        "Delete",
    ]
    assert offered["*Kunde GmbH* · weg@kunde.example"] == []
    assert "3 of 3 active" in bot.text_of(home)

    # Extend from the row's menu: a small modal says so, the registration is extended.
    mark = bot.slack.mark()
    row = f"registration-{ending.id}"
    option = {"text": {"type": "plain_text", "text": "Extend"}, "value": f"extend:{ending.id}"}
    chosen = {"type": "overflow", "action_id": "manage", "block_id": row, "selected_option": option}
    bot.driver.block_actions("UACME1", [{**chosen, "action_ts": "1.0"}], view=home)
    opened = bot.slack.wait_for("views.open", after=mark)
    assert "Extended" in bot.text_of(opened.args["view"])
    with bot.context.uow() as uow:
        extended = uow.registrations.get(ending.id)
    assert extended is not None and extended.extensions == 1
    bot.slack.assert_clean()


def test_every_company_users_home_is_published_again_after_a_change(bot: Bot) -> None:
    held = seeding.hold(bot.context, "aktiv@kunde.example")
    assert held.id is not None
    # Both users' Homes as the hold left them (the outbox publishes them side by side), so
    # that a publish after the mark is one the deletion caused.
    bot.wait_until(lambda: all(bot.slack.home_view(u) for u in ("UACME1", "UACME2")))
    settle(bot)
    mark = bot.slack.mark()
    delete(Delete("UACME2", held.id), bot.context)
    for user in ("UACME1", "UACME2"):

        def to_user(call: Call, user: str = user) -> bool:
            return call.args.get("user_id") == user

        bot.slack.wait_for("views.publish", to_user, after=mark)
        home = bot.slack.home_view(user)
        assert home is not None and "Ended recently (1)" in headers(home)
    bot.slack.assert_clean()


def test_a_reviewer_sees_the_queue_overdue_first_with_deadlines_and_links(bot: Bot) -> None:
    first = seeding.ask_review(bot.context, "achat@kunde.fr")
    bot.clock.advance(DAY)
    second = seeding.ask_review(bot.context, "autre@kunde.fr")
    assert first.review_due is not None
    bot.wait_until(lambda: len(bot.slack.messages(REVIEW_CHANNEL)) == 2)
    bot.clock.now = first.review_due + timedelta(minutes=1)  # the first is overdue now

    home = home_of(bot, "UREV1")
    shown = bot.text_of(home)
    assert headers(home)[0] == "Review queue"
    assert "2 waiting, 1 overdue" in shown
    queue = [
        b for b in home["blocks"] if b.get("accessory", {}).get("action_id") == "home_open_card"
    ]
    assert len(queue) == 2
    assert "Overdue" in queue[0]["text"]["text"] and "Overdue" not in queue[1]["text"]["text"]
    cards = {m["ts"] for m in bot.slack.messages(REVIEW_CHANNEL)}
    for block in queue:
        url = block["accessory"]["url"]
        assert url.startswith(f"https://slack.com/archives/{REVIEW_CHANNEL}/p")
        assert any(url.endswith(ts.replace(".", "")) for ts in cards)
    assert "not linked" not in shown
    assert second.id is not None
    bot.slack.assert_clean()


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
