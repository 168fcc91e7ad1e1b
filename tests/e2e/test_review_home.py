"""The reviewer's App Home over real HTTP: the queue's filters (All / Overdue / Waiting on
partner / Extensions), the choice kept per reviewer across refreshes, the reviewer's own recent
decisions, waiting-on-partner shown to both sides, and a big queue within 100 blocks."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from bot.blocks.review_queue import QUEUE_FILTER
from bot.domain import extension_requests as extension_rules
from bot.domain.model import Customer, Reason, ReasonCode, Registration
from bot.services.extension_requests import RequestExtension, request_extension
from bot.services.questions import AskPartner, ask_partner
from bot.services.reviews import Approve, Reject, approve, reject
from tests import seeding
from tests.e2e.conftest import Bot
from tests.e2e.extension_request_steps import extended_once
from tests.e2e.home_steps import home_of, seed_many
from tests.e2e.rows import settle
from tests.e2e.time_steps import DAY

CARD_ROW_PREFIXES = ("review-", "extension-")


def queue_rows(home: dict[str, Any]) -> list[str]:
    return [
        b["text"]["text"]
        for b in home["blocks"]
        if str(b.get("block_id", "")).startswith(CARD_ROW_PREFIXES)
    ]


def choose(bot: Bot, user: str, home: dict[str, Any], label: str) -> dict[str, Any]:
    """Pick a filter; the Home published in answer."""
    settle(bot)
    mark = bot.slack.mark()
    reply = bot.driver.choose(user, label, view=home, action_id=QUEUE_FILTER)
    assert reply.status == 200
    # A publish refused as older than a refresh landing meanwhile (hash_conflict) is redone.
    call = bot.slack.wait_for(
        "views.publish", lambda c: c.ok and c.args.get("user_id") == user, after=mark
    )
    return bot.slack.view(call.response["view"]["id"])


def option_label(home: dict[str, Any], starts: str) -> str:
    (select,) = [
        e
        for b in home["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e.get("action_id") == QUEUE_FILTER
    ]
    (label,) = [
        o["text"]["text"] for o in select["options"] if o["text"]["text"].startswith(starts)
    ]
    return str(label)


def test_filters_are_kept_per_reviewer_and_recent_decisions_are_listed(bot: Bot) -> None:
    roomy = replace(bot.context.policy, quota=10)
    object.__setattr__(bot.runtime.context, "policy", roomy)
    # Three reviews on Tuesday 22 December 10:00, an extension request two hours later.
    held = extended_once(bot)
    assert held.id is not None
    overdue = seeding.ask_review(bot.context, "achat@kunde.fr")
    questioned = seeding.ask_review(bot.context, "autre@kunde.fr")
    decided_one = seeding.ask_review(bot.context, "troisieme@kunde.fr")
    bot.clock.advance(timedelta(hours=2))
    request_extension(RequestExtension("UACME1", held.id, "Rollout slips"), bot.context)
    assert overdue.id and questioned.id and decided_one.id and overdue.review_due
    ask_partner(AskPartner("UREV1", questioned.id, "Which project?"), bot.context)
    approve(Approve("UREV1", decided_one.id), bot.context)
    bot.clock.now = overdue.review_due + timedelta(minutes=1)

    home = home_of(bot, "UREV1")
    shown = bot.text_of(home)
    assert "3 waiting, 1 overdue, 1 waiting on the partner, 1 extension request." in shown
    assert len(queue_rows(home)) == 3
    assert "Your recent decisions" in shown and "Approved *Kunde SARL*" in shown

    only_late = choose(bot, "UREV1", home, option_label(home, "Overdue"))
    (late,) = queue_rows(only_late)
    assert "Overdue" in late and "Extension request" not in late
    # Kept: a refresh from elsewhere (a change in the queue) shows the same part.
    reject(Reject("UREV1", overdue.id, "Direct sales owns it."), bot.context)
    settle(bot)
    again = home_of(bot, "UREV1")
    assert option_label(again, "Overdue") == "Overdue (0)"
    assert queue_rows(again) == [] and "Nothing under “Overdue”" in bot.text_of(again)
    assert "Rejected *Kunde SARL*" in bot.text_of(again)
    # Another reviewer's choice is their own.
    assert len(queue_rows(home_of(bot, "UREV2"))) == 2

    waiting = choose(bot, "UREV1", again, option_label(again, "Waiting on partner"))
    (row,) = queue_rows(waiting)
    assert "Waiting on the partner since" in row
    extensions = choose(bot, "UREV1", waiting, option_label(waiting, "Extensions"))
    (row,) = queue_rows(extensions)
    assert "Extension request" in row and "Kunde GmbH" in row

    # The partner sees the question waiting on them in its own Home.
    partner_home = bot.text_of(home_of(bot, "UACME1"))
    assert "Waiting on you: a reviewer asked a question" in partner_home
    bot.slack.assert_clean()


def test_a_big_queue_and_a_full_dashboard_fit_in_100_blocks(bot: Bot) -> None:
    """UACME2 is a reviewer and an Acme user: both halves on one Home."""
    big = replace(bot.context.policy, quota=100)
    object.__setattr__(bot.runtime.context, "policy", big)
    seed_many(bot, 100, 1000)
    now = bot.clock.now
    reason = (Reason(ReasonCode.COUNTRY_MISMATCH, {"customer": "FR", "partner": "DE"}),)
    with bot.context.uow() as uow:
        for n in range(200):
            customer = Customer(f"Prüfung {n:03d}", "FR", email=f"p{n:03d}@kunde.fr")
            due = now + timedelta(days=2) - n * timedelta(minutes=1)
            waiting = Registration.pending_review("beta", customer, reason, "Why", now, due)
            waiting.events.clear()  # seeded as if long posted: no cards to send now
            uow.registrations.add(waiting)
        for held in list(uow.registrations.of_partner("acme"))[:60]:
            if held.valid_until is None or not held.is_active(now):
                continue
            held.extensions = 1
            asked = extension_rules.ExtensionRequest(
                held.id or 0, "acme", "UACME1", "Why", now, held.valid_until, 1, now + 2 * DAY
            )
            uow.extension_requests.add(asked)
            held.extension_request = asked.id
            uow.registrations.save(held)
            held.events.clear()
        uow.commit()

    home = home_of(bot, "UACME2")  # checks the view is valid and has at most 100 blocks
    shown = bot.text_of(home)
    assert "Review queue" in shown and "Active (100)" in shown
    assert "…and" in shown and "more in the reviewers' channel" in shown
    extensions = choose(bot, "UACME2", home, option_label(home, "Extensions"))
    assert len(extensions["blocks"]) <= 100
    assert all("Extension request" in row for row in queue_rows(extensions))
    assert len(queue_rows(extensions)) == 15
