"""A customer the rules cannot decide: the partner justifies it and it goes to the reviewers."""

from __future__ import annotations

from typing import Any

import pytest

from bot.domain.model import Status
from tests.e2e.conftest import REVIEW_CHANNEL, Bot
from tests.e2e.preregister_steps import (
    CUSTOMER,
    EMAIL,
    REGISTERED_LONG_AGO,
    RETAIL,
    REVIEW_DUE,
    assert_nothing_stored,
    audit,
    block_id,
    initial,
    open_form,
    registrations,
    review_posts,
    seed_facts,
    shown,
    slack_date_of,
    stored,
    submit,
)

# --------------------------------------------------------------------------
# Review
# --------------------------------------------------------------------------

REVIEWS: dict[str, tuple[dict[str, Any] | None, dict[str, str], list[str], list[str]]] = {
    # case: (directory facts, answers besides CUSTOMER, reason codes, the partner's words)
    "direct_sales_followup": (
        {"direct_sales_followup": True, **REGISTERED_LONG_AGO, "country": "DE"},
        {},
        ["direct_sales_followup"],
        ["direct sales team is following this customer"],
    ),
    "country_mismatch": (
        None,
        {"Country / region": "FR"},
        ["country_mismatch"],
        ["in another country than your company"],
    ),
    "online_sales": (
        {"online_sales": True},
        {},
        ["online_sales"],
        ["belongs to the cloud's online sales team"],
    ),
    "country_mismatch+online_sales": (
        {"online_sales": True},
        {"Country / region": "AT"},
        ["country_mismatch", "online_sales"],
        ["in another country than your company", "belongs to the cloud's online sales team"],
    ),
}


@pytest.mark.parametrize("case", list(REVIEWS))
def test_review_case_asks_for_a_justification_then_goes_to_the_reviewers(
    bot: Bot, case: str
) -> None:
    facts, extra, codes, words = REVIEWS[case]
    if facts is not None:
        seed_facts(bot, **facts)
    typed = {
        **CUSTOMER,
        "Mobile": "+49 30 1234567",
        "Industry": "Retail & consumer goods",
        "Notes": "Met at a fair",
    }
    typed.update(extra)
    open_form(bot)

    # 1. The rules answer "review": the facts decided on come back locked, asking why first.
    first = submit(bot, "UACME1", typed)

    assert first.json["response_action"] == "update"
    form = bot.modal("UACME1")
    assert form["callback_id"] == "preregister_review"
    assert (form["title"]["text"], form["submit"]["text"]) == ("Request review", "Request review")
    inputs = [b["label"]["text"] for b in form["blocks"] if b["type"] == "input"]
    assert inputs == ["Justification", "Notes"]  # customer, email, mobile, country: read-only
    assert initial(form, "Notes") == typed["Notes"]
    asked = bot.text_of(form)
    assert "Kunde GmbH" in asked and "+49301234567" in asked
    for phrase in words:
        assert phrase in asked
    justification = block_id(form, "Justification")
    assert not next(b for b in form["blocks"] if b.get("block_id") == justification)["optional"]
    assert_nothing_stored(bot)

    # 2. An empty justification is refused by the server too (Slack's client would not send it).
    empty = submit(bot, "UACME1", {"Justification": "   "}, check=False)

    assert empty.json["response_action"] == "errors"
    assert set(empty.json["errors"]) == {justification}
    assert bot.modal("UACME1")["callback_id"] == "preregister_review"
    assert_nothing_stored(bot)
    assert review_posts(bot) == []

    # 3. With a justification: pending review, due in two working days, the reviewers asked.
    done = submit(bot, "UACME1", {"Justification": "  We have worked with them since 2024.  "})

    assert done.json["response_action"] == "update"
    result = shown(bot)
    assert "Reviewers answer by" in result
    assert slack_date_of(REVIEW_DUE) in result
    for phrase in words:
        assert phrase in result
    [registration] = stored(bot)
    assert registration.status is Status.PENDING_REVIEW
    assert [str(r.code) for r in registration.reasons] == codes
    assert registration.justification == "We have worked with them since 2024."
    assert registration.review_due == REVIEW_DUE
    assert registration.customer.industry == RETAIL
    assert registration.customer.notes == "Met at a fair"
    assert registration.customer.mobile == "+49301234567"
    assert registration.customer.country == typed["Country / region"]
    card = bot.slack.wait_for("chat.postMessage", lambda c: c.args.get("channel") == REVIEW_CHANNEL)
    assert card.ok, card.response
    card_text = bot.text_of(card.args)
    assert "Kunde GmbH" in card_text
    assert "We have worked with them since 2024." in card_text
    assert [(row["action"], row["to_status"]) for row in audit(bot)] == [
        ("review_needed", None),
        ("pending_review", "pending_review"),
    ]
    bot.slack.assert_clean()


def test_the_review_step_cannot_change_the_facts_and_edit_details_runs_the_rules_again(
    bot: Bot,
) -> None:
    open_form(bot)
    submit(bot, "UACME1", {**CUSTOMER, "Country / region": "FR", "Notes": "Fair"})
    step = bot.modal("UACME1")
    assert step["title"]["text"] == "Request review"

    # A crafted submission naming another country changes nothing: the facts are the ones
    # decided on, and the customer goes to review (not pre-registered at once).
    crafted: dict[str, dict[str, Any]] = {
        "justification": {"value": {"type": "plain_text_input", "value": "Ours."}},
        "country": {
            "value": {
                "type": "static_select",
                "selected_option": {
                    "text": {"type": "plain_text", "text": "Germany"},
                    "value": "DE",
                },
            }
        },
    }
    done = bot.driver.submit_view("UACME1", view=step, values=crafted)
    assert "Reviewers answer by" in bot.text_of(done.json["view"])
    [held] = stored(bot)
    assert (held.status, held.customer.country) == (Status.PENDING_REVIEW, "FR")


def test_edit_details_goes_back_to_the_form_and_the_audit_keeps_both_attempts(bot: Bot) -> None:
    open_form(bot)
    submit(bot, "UACME1", {**CUSTOMER, "Country / region": "FR", "Notes": "Fair"})
    step = bot.modal("UACME1")

    mark = bot.slack.mark()
    assert bot.driver.click("UACME1", view=step, action_id="edit_details").status == 200
    updated = bot.slack.wait_for("views.update", after=mark)
    assert updated.ok, updated.response
    form = bot.modal("UACME1")
    assert form["callback_id"] == "preregister"
    assert "The rules run again" in bot.text_of(form)
    assert initial(form, "Customer name") == CUSTOMER["Customer name"]
    assert initial(form, "Country / region") == "FR"
    assert initial(form, "Notes") == "Fair"

    # The partner corrects the country: the rules run again and let the customer through.
    again = submit(bot, "UACME1", {"Country / region": "DE"})
    assert "Pre-registered until" in bot.text_of(again.json["view"])
    [held] = stored(bot)
    assert (held.status, held.customer.country) == (Status.PREREGISTERED, "DE")
    attempts = [(row["action"], row["detail"].get("country")) for row in audit(bot)]
    assert attempts == [("review_needed", "FR"), ("preregistered", None)]
    bot.slack.assert_clean()


def test_review_submission_counts_toward_quota_and_holds_the_customer(bot: Bot) -> None:
    open_form(bot)
    submit(bot, "UACME1", {**CUSTOMER, "Country / region": "FR"})
    submit(bot, "UACME1", {"Justification": "They moved to Berlin."})
    assert registrations(bot) == [("acme", "pending_review", EMAIL)]

    open_form(bot, "UBETA1")
    submit(bot, "UBETA1", CUSTOMER)

    assert "already pre-registered by someone else" in shown(bot, "UBETA1")
    assert registrations(bot) == [("acme", "pending_review", EMAIL)]
    bot.slack.assert_clean()
