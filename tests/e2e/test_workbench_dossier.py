"""The reviewer's dossier on the card: evidence per reason, the partner's record, possible
duplicates."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.domain.model import Customer, Site
from bot.services.registrations import Preregister, preregister
from bot.services.reviews import Approve, Reject, approve, reject
from tests.e2e.conftest import REVIEW_CHANNEL, Bot
from tests.e2e.review_steps import card, dms, in_directory, request_review
from tests.e2e.rows import settle
from tests.e2e.workbench_steps import section_with


def reasons_text(shown: dict[str, Any]) -> str:
    (block,) = [
        b
        for b in shown["blocks"]
        if b["type"] == "section" and "Why it needs review" in b.get("text", {}).get("text", "")
    ]
    return str(block["text"]["text"])


def held_by_beta(bot: Bot, name: str, email: str) -> int:
    done = preregister(Preregister("UBETA1", Customer(name, "DE", email=email)), bot.context)
    assert done.registration is not None and done.registration.id is not None
    return done.registration.id


def test_each_reason_has_one_line_of_evidence_in_the_rules_words(bot: Bot) -> None:
    # A date-only registration (the directory reads it as midnight UTC), 30 days before now.
    registered = datetime(2026, 10, 26, tzinfo=bot.clock.now.tzinfo)
    in_directory(
        bot,
        email="cto@kunde.cn",
        name="Kunde",
        site=Site.CN,
        registered_at=registered,
        country="CN",
        has_spend=True,
        direct_sales_followup=True,
    )
    request = request_review(bot, name="Kunde", email="cto@kunde.cn", country="DE")
    assert request.id is not None
    shown = reasons_text(card(bot, request.id))

    assert (
        "registered 30 days ago (2026-10-26) on the Chinese mainland site (threshold 7 days);"
        " has spend; followed up by direct sales (matched on email)" in shown
    )
    assert "<!date^" not in shown  # a date is shown as the date it is, not as a moment
    assert "customer in CN, partner in DE (country from the directory)" in shown
    bot.slack.assert_clean()


def test_a_customer_not_in_the_directory_is_said_so(bot: Bot) -> None:
    request = request_review(bot, name="Kunde SARL", email="achat@kunde.fr", country="FR")
    assert request.id is not None
    shown = reasons_text(card(bot, request.id))
    assert "customer in FR, partner in DE; not found in the directory (country as typed)" in shown
    bot.slack.assert_clean()


def test_the_card_shows_the_partners_record_of_the_last_90_days(bot: Bot) -> None:
    old = request_review(bot, email="old@kunde.fr")
    reject(Reject("UREV1", old.id or 0, "No."), bot.context)
    bot.clock.advance(timedelta(days=100))  # outside the window: not counted
    approved = request_review(bot, email="a@kunde.fr")
    approve(Approve("UREV1", approved.id or 0), bot.context)
    rejected = request_review(bot, email="b@kunde.fr")
    reject(Reject("UREV1", rejected.id or 0, "No."), bot.context)
    current = request_review(bot, email="c@kunde.fr")

    record = section_with(card(bot, current.id or 0), "Partner's record")

    assert "2 of 3 active ·" in record
    assert "3 review requests in the last 90 days: 1 approved, 1 rejected" in record
    bot.slack.assert_clean()


def test_possible_duplicates_by_email_domain_and_by_similar_name(bot: Bot) -> None:
    same_domain = held_by_beta(bot, "Kunde Paris", "it@kunde.fr")
    similar = held_by_beta(bot, "Société Kunde & Fils GmbH", "hello@other.example")
    unrelated = held_by_beta(bot, "Initech", "it@initech.example")
    request = request_review(bot, name="Société KUNDE & Fils S.A.R.L.", email="achat@kunde.fr")

    shown = section_with(card(bot, request.id or 0), "Possible duplicates")

    lines = shown.splitlines()[1:]
    assert len(lines) == 2, shown
    by_domain = next(line for line in lines if f"#{same_domain}," in line)
    assert "Kunde Paris" in by_domain and "it@kunde.fr" in by_domain
    assert "pre-registered, Beta Systems" in by_domain
    assert "same email domain kunde.fr" in by_domain
    by_name = next(line for line in lines if f"#{similar}," in line)
    assert "name 100% alike" in by_name and "Beta Systems" in by_name
    assert "&amp;" in by_name  # what a partner typed, inert
    assert f"#{unrelated}," not in shown
    bot.slack.assert_clean()


def test_a_free_mail_domain_is_no_duplicate(bot: Bot) -> None:
    held_by_beta(bot, "Initech", "someone@gmail.com")
    request = request_review(bot, name="Globex", email="buyer@gmail.com")

    shown = section_with(card(bot, request.id or 0), "Possible duplicates")

    assert "None found" in shown and "Initech" not in shown
    bot.slack.assert_clean()


def test_partners_never_see_the_dossier(bot: Bot) -> None:
    held_by_beta(bot, "Kunde Paris", "it@kunde.fr")
    request = request_review(bot, email="achat@kunde.fr")
    card(bot, request.id or 0)
    reject(Reject("UREV1", request.id or 0, "No."), bot.context)
    settle(bot)
    acme = [dm for user, dm in dms(bot) if user.startswith("UACME")]
    assert len(acme) == 2
    for dm in acme:
        said = bot.text_of(dm)
        assert "Beta Systems" not in said and "Kunde Paris" not in said and "record" not in said
    # Once decided, the card drops the dossier: it was for deciding.
    (shown,) = [m for m in bot.slack.messages(REVIEW_CHANNEL) if "thread_ts" not in m]
    assert "Possible duplicates" not in bot.text_of(shown)
    bot.slack.assert_clean()
