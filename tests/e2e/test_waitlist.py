"""The waiting list over real HTTP: a partner refused because another holds the customer asks
to be told; when the hold ends every waiting partner is told, in the order they asked, never
who held it; the first to pre-register wins; entries can be left and lapse after 90 days."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.domain.model import Customer, Partner, Status
from bot.scheduler import expire_registrations
from bot.services.registrations import Delete, Preregister, delete, preregister
from bot.services.reviews import Reject, reject
from tests.e2e.conftest import Bot
from tests.e2e.review_steps import buttons, dms, race
from tests.e2e.rows import all_rows, settle

GAMMA = Partner("gamma", "Gamma Cloud", "DE", email="hi@gamma.example", slack_user_ids=("UGAMMA1",))
EMAIL = "achat@kunde.de"


def add_gamma(bot: Bot) -> None:
    with bot.context.uow() as uow:
        uow.partners.add(GAMMA, bot.clock.now)
        uow.commit()


def beta_holds(bot: Bot, review: bool = False) -> int:
    """BETA reserves the customer (at once, or as a review request it keeps pending)."""
    country = "FR" if review else "DE"
    cmd = Preregister("UBETA1", Customer("Beta's Kunde <secret>", country, email=EMAIL), "Why")
    done = preregister(cmd, bot.context)
    assert done.registration is not None and done.registration.id is not None
    expected = Status.PENDING_REVIEW if review else Status.PREREGISTERED
    assert done.registration.status is expected
    return done.registration.id


def refused_and_waiting(bot: Bot, user: str, name: str) -> dict[str, Any]:
    """The user runs /preregister, is refused (held by another), presses the button."""
    if bot.slack.current_modal(user) is not None:
        bot.driver.close_view(user)
    mark = bot.slack.mark()
    assert bot.driver.slash_command(user).status == 200
    assert bot.slack.wait_for("views.open", after=mark).ok
    answers = {"Customer name": name, "Email": EMAIL.upper(), "Country / region": "DE"}
    assert bot.driver.submit_view(user, answers).json["response_action"] == "update"
    refused = bot.modal(user)
    assert "already pre-registered by someone else" in bot.text_of(refused)
    assert bot.driver.click(user, text="Tell me when it frees up").status == 200
    bot.wait_until(lambda: "waiting list" in bot.text_of(bot.modal(user)))
    return bot.modal(user)


def freed_dms(bot: Bot) -> list[tuple[str, dict[str, Any]]]:
    return [(user, dm) for user, dm in dms(bot) if "is free again" in bot.text_of(dm)]


def test_everyone_waiting_is_told_in_order_on_expiry_and_the_first_to_come_wins(
    bot: Bot,
) -> None:
    add_gamma(bot)
    beta_holds(bot)
    joined = refused_and_waiting(bot, "UACME1", "Kunde Acme")
    assert "You're on the waiting list for Kunde Acme" in bot.text_of(joined)
    bot.clock.advance(timedelta(minutes=5))
    refused_and_waiting(bot, "UGAMMA1", "Kunde Gamma")
    settle(bot)
    assert freed_dms(bot) == []

    bot.clock.advance(bot.context.policy.validity)
    assert expire_registrations(bot.runtime) == 1
    settle(bot)

    # Told in the order they asked: so the messages were written; different recipients'
    # DMs then go out side by side, each within the same moment.
    owed = [r.recipient for r in all_rows(bot) if r.kind == "customer_freed"]
    assert owed == ["UACME1", "UGAMMA1"]
    told = sorted(freed_dms(bot), key=lambda told: owed.index(told[0]))
    assert [user for user, _ in told] == ["UACME1", "UGAMMA1"]
    for (_, dm), name in zip(told, ("Kunde Acme", "Kunde Gamma"), strict=True):
        said = bot.text_of(dm)
        assert f"{name}* is free again" in said  # in its own words
        assert "Beta" not in said and "secret" not in said  # never the previous holder
        assert "Pre-register now" in buttons(dm)
    # Both open the form from the DM, filled in with what they typed; both submit at once.
    for user, dm in told:
        bot.driver.close_view(user)  # the waiting list's confirmation, long since closed
        mark = bot.slack.mark()
        assert bot.driver.click(user, message=dm, text="Pre-register now").status == 200
        assert bot.slack.wait_for("views.open", after=mark).ok
        form = bot.modal(user)
        initial = [
            b["element"].get("initial_value") for b in form["blocks"] if b["type"] == "input"
        ]
        assert EMAIL in initial and ("Kunde Acme" in initial or "Kunde Gamma" in initial)
    replies = race(
        lambda: bot.driver.submit_view("UACME1", {}),
        lambda: bot.driver.submit_view("UGAMMA1", {}),
    )
    outcomes = sorted(bot.text_of(bot.modal(user)) for user in ("UACME1", "UGAMMA1"))
    assert all(r.json["response_action"] == "update" for r in replies)
    with bot.context.uow() as uow:
        active = [r for r in uow.registrations.all() if r.is_active(bot.clock.now)]
    (winner,) = active
    assert winner.partner_id in ("acme", "gamma")
    assert sum("Pre-registered until" in text for text in outcomes) == 1
    assert sum("already pre-registered by someone else" in text for text in outcomes) == 1
    bot.slack.assert_clean()


def test_deletion_and_rejection_free_the_customer_for_those_waiting(bot: Bot) -> None:
    held = beta_holds(bot)
    refused_and_waiting(bot, "UACME1", "Kunde Acme")
    delete(Delete("UBETA1", held), bot.context)
    settle(bot)
    assert [user for user, _ in freed_dms(bot)] == ["UACME1"]

    # Told once: the entry is done. A pending review rejected frees it for a new entry.
    pending = beta_holds(bot, review=True)
    refused_and_waiting(bot, "UACME1", "Kunde Acme")
    reject(Reject("UREV1", pending, "Duplicate."), bot.context)
    settle(bot)
    assert [user for user, _ in freed_dms(bot)] == ["UACME1", "UACME1"]
    bot.slack.assert_clean()


def test_a_partner_can_leave_and_a_replayed_join_adds_nothing(bot: Bot) -> None:
    held = beta_holds(bot)
    joined = refused_and_waiting(bot, "UACME1", "Kunde Acme")
    # The same button again (a double click): still one entry.
    with bot.context.uow() as uow:
        before = list(uow.waitlist.waiting_for(Customer("x", "DE", email=EMAIL), bot.clock.now))
    assert len(before) == 1
    assert bot.driver.click("UACME1", text="Leave the list").status == 200
    bot.wait_until(lambda: "You left the waiting list" in bot.text_of(bot.modal("UACME1")))
    assert "Leave the list" in buttons({"blocks": joined["blocks"]})
    delete(Delete("UBETA1", held), bot.context)
    settle(bot)
    assert freed_dms(bot) == []
    bot.slack.assert_clean()


def test_entries_lapse_after_90_days(bot: Bot) -> None:
    pending = beta_holds(bot, review=True)  # a review left waiting holds it for long
    refused_and_waiting(bot, "UACME1", "Kunde Acme")
    bot.clock.advance(timedelta(days=91))
    reject(Reject("UREV1", pending, "Too old."), bot.context)
    settle(bot)
    assert freed_dms(bot) == []
    bot.slack.assert_clean()


def test_a_stale_join_once_the_customer_is_free_says_so(bot: Bot) -> None:
    held = beta_holds(bot)
    assert bot.driver.slash_command("UACME1").status == 200
    bot.wait_until(lambda: bot.slack.current_modal("UACME1") is not None)
    answers = {"Customer name": "Kunde Acme", "Email": EMAIL, "Country / region": "DE"}
    bot.driver.submit_view("UACME1", answers)
    delete(Delete("UBETA1", held), bot.context)
    assert bot.driver.click("UACME1", text="Tell me when it frees up").status == 200
    bot.wait_until(lambda: "Nobody else holds this customer" in bot.text_of(bot.modal("UACME1")))
    with bot.context.uow() as uow:
        assert uow.waitlist.of_company("acme", Customer("x", "DE", email=EMAIL)) == []
    bot.slack.assert_clean()
