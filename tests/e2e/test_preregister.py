"""A partner pre-registers through /preregister and the modal, over real HTTP: eligible and
blocked customers.

Every test drives the bot as Slack would (signed slash commands, clicks, view submissions),
then checks both what the partner sees (the modal, the ephemeral replies, the reviewers'
channel on the stand-in) and what the database holds."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pycountry
import pytest

from bot.domain.model import Site
from tests.e2e.conftest import Bot
from tests.e2e.preregister_steps import (
    CUSTOMER,
    EMAIL,
    NOW,
    REGISTERED_LONG_AGO,
    VALIDITY,
    audit,
    open_form,
    registrations,
    review_posts,
    seed_facts,
    seed_registrations,
    shown,
    slack_date_of,
    stored,
    submit,
)

# --------------------------------------------------------------------------
# Eligible
# --------------------------------------------------------------------------


def test_eligible_customer_is_preregistered_in_the_modal(bot: Bot) -> None:
    modal = open_form(bot)
    labels = bot.text_of(modal)
    for word in ("Customer name", "Email", "Mobile", "Country"):
        assert word in labels

    answer = bot.driver.submit_view("UACME1", CUSTOMER)

    assert answer.status == 200
    assert answer.json["response_action"] == "update"
    result = shown(bot)
    assert "Pre-registered until" in result
    assert slack_date_of(NOW + VALIDITY) in result
    assert registrations(bot) == [("acme", "preregistered", "it@kunde.de")]
    [registration] = stored(bot)
    assert registration.valid_until == NOW + VALIDITY
    assert registration.created_by == "UACME1"
    assert [(row["action"], row["actor"]) for row in audit(bot)] == [("preregistered", "UACME1")]
    bot.slack.assert_clean()


def test_country_select_offers_every_country_within_limits_with_the_partners_preselected(
    bot: Bot,
) -> None:
    modal = open_form(bot)

    [country] = [
        b for b in modal["blocks"] if b["type"] == "input" and "Country" in b["label"]["text"]
    ]
    element = country["element"]
    groups = element.get("option_groups") or [{"options": element.get("options") or []}]
    values = [option["value"] for group in groups for option in group["options"]]
    assert sorted(values) == sorted(c.alpha_2 for c in pycountry.countries)
    assert len(values) == len(set(values))
    assert len(groups) <= 100
    assert all(len(group["options"]) <= 100 for group in groups)
    assert element["initial_option"]["value"] == "DE"  # Acme is a German partner
    everything = [option for group in groups for option in group["options"]]
    assert element["initial_option"] in everything  # else Slack refuses the view
    assert not country.get("optional")
    bot.slack.assert_clean()


def test_mobile_only_customer_is_stored_in_e164(bot: Bot) -> None:
    open_form(bot)

    submit(bot, "UACME1", {"Customer name": "  Kunde GmbH  ", "Mobile": "0151 23456789"})

    assert "Pre-registered until" in shown(bot)
    [registration] = stored(bot)
    assert registration.customer.mobile == "+4915123456789"
    assert registration.customer.email is None
    assert registration.customer.name == "Kunde GmbH"  # trimmed
    bot.slack.assert_clean()


# --------------------------------------------------------------------------
# Blocked
# --------------------------------------------------------------------------

BLOCKS: dict[str, tuple[dict[str, Any], str]] = {
    "associated": (
        {"associated_partner_id": "beta", **REGISTERED_LONG_AGO, "country": "DE"},
        "already associated with a partner",
    ),
    "contract": ({"has_contract": True, **REGISTERED_LONG_AGO}, "signed a contract"),
    "spend_without_followup": (
        {"has_spend": True, "direct_sales_followup": False, **REGISTERED_LONG_AGO},
        "already spends on the cloud",
    ),
    "registered": (
        {"site": Site.CN, "registered_at": NOW - timedelta(days=2), "country": "DE"},
        "already has an account on the cloud",
    ),
}


@pytest.mark.parametrize("code", list(BLOCKS))
def test_blocked_customer_is_refused_in_plain_words_and_audited(bot: Bot, code: str) -> None:
    facts, words = BLOCKS[code]
    seed_facts(bot, **facts)
    open_form(bot)

    answer = submit(bot, "UACME1", CUSTOMER)

    assert answer.json["response_action"] == "update"
    modal = bot.modal("UACME1")
    assert modal["callback_id"] not in ("preregister", "preregister_review")
    assert not modal.get("submit")  # a blocked case can't be sent to review
    result = bot.text_of(modal)
    assert "Kunde GmbH can't be pre-registered" in result
    assert words in result
    assert "What you can do" in result
    for hidden in ("beta", "Beta", "matched", "evidence"):
        assert hidden not in result
    assert registrations(bot) == []
    [entry] = audit(bot)
    assert (entry["action"], entry["actor"], entry["partner_id"]) == ("blocked", "UACME1", "acme")
    assert entry["registration_id"] is None
    assert [r["code"] for r in entry["detail"]["reasons"]] == [code]
    assert entry["detail"]["email"] == EMAIL
    assert review_posts(bot) == []
    bot.slack.assert_clean()


def test_customer_held_by_another_partner_is_refused_without_naming_it(bot: Bot) -> None:
    open_form(bot, "UBETA1")
    submit(bot, "UBETA1", CUSTOMER)
    assert "Pre-registered until" in shown(bot, "UBETA1")
    bot.clock.advance(timedelta(hours=3))

    open_form(bot, "UACME1")
    answer = submit(bot, "UACME1", {**CUSTOMER, "Customer name": "Kunde AG"})

    assert answer.json["response_action"] == "update"
    result = shown(bot, "UACME1")
    assert "Kunde AG can't be pre-registered" in result
    assert "already pre-registered by someone else" in result
    for secret in ("Beta", "beta", "UBETA1", "<!date^", "#1", "2026", "Kunde GmbH"):
        assert secret not in result, f"{secret!r} gives the other partner away"
    assert registrations(bot) == [("beta", "preregistered", EMAIL)]
    blocked = [row for row in audit(bot) if row["action"] == "blocked"]
    assert [(row["actor"], row["partner_id"]) for row in blocked] == [("UACME1", "acme")]
    assert [r["code"] for r in blocked[0]["detail"]["reasons"]] == ["held_by_other_partner"]
    bot.slack.assert_clean()


def test_customer_whose_reservation_by_another_partner_ended_is_free_again(bot: Bot) -> None:
    [old] = seed_registrations(bot, "beta", [16])  # past valid_until, not yet swept
    email = old.customer.email

    open_form(bot)
    submit(bot, "UACME1", {**CUSTOMER, "Email": email})

    assert "Pre-registered until" in shown(bot)
    assert sorted(registrations(bot)) == [
        ("acme", "preregistered", email),
        ("beta", "expired", email),
    ]
    bot.slack.assert_clean()
