"""The opportunity modal: every field asked, each bad value told under it, forged requests
refused."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from bot.domain.opportunities import Stage
from tests.e2e.conftest import Bot
from tests.e2e.opportunity_steps import GOOD, audit_actions, open_create_modal, seed, stored, today
from tests.slack_driver import Reply, state_values


def forged(modal: dict[str, Any], **answers: Any) -> dict[str, dict[str, Any]]:
    """The state Slack would send for GOOD plus `answers` (block id → raw state entry)."""
    values = state_values(modal, {**GOOD, "Expected close date": "2027-01-15"}, check=False)
    for block_id, entry in answers.items():
        (action_id,) = values[block_id]
        values[block_id][action_id].update(entry)
    return values


def option(value: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": value}, "value": value}


def errors_of(reply: Reply) -> dict[str, str]:
    assert reply.status == 200 and reply.json["response_action"] == "errors", reply.body
    errors: dict[str, str] = reply.json["errors"]
    return errors


def test_the_modal_asks_for_every_field_and_each_bad_value_is_told_under_it(bot: Bot) -> None:
    registration_id = seed(bot)
    modal = open_create_modal(bot)
    kinds = {b["block_id"]: b["element"]["type"] for b in modal["blocks"] if b["type"] == "input"}
    assert kinds == {
        "opp_name": "plain_text_input",
        "opp_amount": "number_input",
        "opp_currency": "static_select",
        "opp_close_date": "datepicker",
        "opp_stage": "static_select",
        "opp_notes": "plain_text_input",
    }
    past = (today(bot) - timedelta(days=1)).isoformat()
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"opp_amount": {"value": "0"}}, "opp_amount", "more than zero"),
        ({"opp_amount": {"value": "-5"}}, "opp_amount", "more than zero"),
        ({"opp_amount": {"value": "12.345"}}, "opp_amount", "two decimals"),
        ({"opp_amount": {"value": "1e15"}}, "opp_amount", "At most 999,999,999,999.99"),
        ({"opp_amount": {"value": "lots"}}, "opp_amount", "as a number"),
        ({"opp_amount": {"value": "NaN"}}, "opp_amount", "as a number"),
        ({"opp_close_date": {"selected_date": past}}, "opp_close_date", "in the past"),
        ({"opp_close_date": {"selected_date": "2026-13-40"}}, "opp_close_date", "Pick a date"),
        ({"opp_close_date": {"selected_date": "2090-01-01"}}, "opp_close_date", "ten years"),
        ({"opp_currency": {"selected_option": option("ZZZ")}}, "opp_currency", "from the list"),
        ({"opp_currency": {"selected_option": option("XAU")}}, "opp_currency", "from the list"),
        ({"opp_stage": {"selected_option": option("closed")}}, "opp_stage", "from the list"),
        ({"opp_name": {"value": "x" * 201}}, "opp_name", "At most 200 characters"),
        ({"opp_name": {"value": "   "}}, "opp_name", "Give the opportunity a name"),
        ({"opp_notes": {"value": "n" * 2001}}, "opp_notes", "At most 2000 characters"),
    ]
    for answers, block_id, words in cases:
        errors = errors_of(bot.driver.submit_view("UACME1", values=forged(modal, **answers)))
        assert list(errors) == [block_id], (answers, errors)
        assert words in errors[block_id], (answers, errors)
    # A forged 5,000-character name is refused before any listener runs (no value that long
    # comes from Slack's client).
    huge = bot.driver.submit_view("UACME1", values=forged(modal, opp_name={"value": "x" * 5000}))
    assert huge.status == 400 and "malformed request" in huge.body
    # Several at once: each under its own field.
    both = forged(modal, opp_name={"value": ""}, opp_currency={"selected_option": option("ZZZ")})
    assert set(errors_of(bot.driver.submit_view("UACME1", values=both))) == {
        "opp_name",
        "opp_currency",
    }
    assert stored(bot, registration_id) == []
    assert "opportunity_created" not in audit_actions(bot, registration_id)

    close = today(bot).isoformat()  # today is not in the past
    done = bot.driver.submit_view("UACME1", {**GOOD, "Expected close date": close})
    assert done.json["response_action"] == "update"
    shown = bot.text_of(bot.modal("UACME1"))
    assert "Migration &lt;!here&gt;" in shown and "25,000.50 EUR" in shown and "Proposal" in shown
    (opportunity,) = stored(bot, registration_id)
    assert opportunity.name == "Migration <!here>"
    assert opportunity.amount == Decimal("25000.50") and opportunity.currency == "EUR"
    assert opportunity.close_date == today(bot) and opportunity.stage is Stage.PROPOSAL
    assert opportunity.notes == "Starts with the ERP" and opportunity.created_by == "UACME1"
    assert audit_actions(bot, registration_id).count("opportunity_created") == 1
    # A colleague's App Home is published again with it under the customer.
    bot.slack.wait_for(
        "views.publish",
        lambda call: (
            call.args.get("user_id") == "UACME2"
            and "1 open opportunity" in bot.text_of(call.args.get("view") or {})
        ),
    )
    bot.slack.assert_clean()


def test_forged_requests_are_refused_and_store_nothing(bot: Bot) -> None:
    ours = seed(bot)
    theirs = seed(bot, "Betakunde AG", user="UBETA1")
    pending = seed(bot, "Fremd SARL", why="Met at a fair")
    modal = open_create_modal(bot)

    waiting = {**modal, "private_metadata": str(pending)}
    errors = errors_of(bot.driver.submit_view("UACME1", view=waiting, values=forged(modal)))
    assert errors == {"opp_name": "Opportunities need a pre-registered or associated customer."}
    for registration_id in (theirs, 999_999):  # another company's, and none at all
        other = {**modal, "private_metadata": str(registration_id)}
        reply = bot.driver.submit_view("UACME1", view=other, values=forged(modal))
        assert reply.json["response_action"] == "update"
        assert "no longer exists, or it is not one of your company's" in bot.text_of(
            reply.json["view"]
        )
    unlinked = bot.driver.submit_view("UNOBODY", view=modal, values=forged(modal))
    assert unlinked.status == 200
    assert "isn't linked to a partner company" in bot.text_of(unlinked.json["view"])
    for registration_id in (ours, theirs, pending):
        assert stored(bot, registration_id) == []
        assert "opportunity_created" not in audit_actions(bot, registration_id)
    bot.slack.assert_clean()
