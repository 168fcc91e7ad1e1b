"""App Home for a company and for a reviewer: the sections, the actions that apply, published
again on change."""

from __future__ import annotations

from datetime import timedelta

from bot.services.registrations import Delete, delete
from tests import seeding
from tests.e2e.conftest import REVIEW_CHANNEL, Bot
from tests.e2e.home_steps import DAY, button_values, headers, home_of, rows, settle
from tests.slack_standin import Call


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
