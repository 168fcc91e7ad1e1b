"""Opportunities over real HTTP: the Create modal and its field errors, forged values, the
stage menu, the list and App Home, and the delete warning."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from bot.domain.model import Customer, Status
from bot.domain.opportunities import Opportunity, Stage
from bot.services.opportunities import (
    CreateOpportunity,
    GetOpportunities,
    business_today,
    create_opportunity,
    customer_opportunities,
)
from bot.services.registrations import Preregister, preregister
from tests.e2e.conftest import Bot
from tests.slack_driver import Reply, state_values

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


def test_opportunities_show_under_their_customer_and_their_stage_moves(bot: Bot) -> None:
    registration_id = seed(bot)
    deal(bot, registration_id, "Renewal", Stage.QUALIFICATION)
    deal(bot, registration_id, "Old deal", Stage.LOST)

    assert bot.driver.slash_command("UACME1", "list").status == 200
    listing = latest_ephemeral(bot, "UACME1")
    row = bot.text_of(listing)
    assert "1 open opportunity (2 in all)" in row and "*Renewal*" in row

    opened = bot.slack.mark()
    bot.driver.app_home_opened("UACME1")
    # A publish Slack took (one refused as older than a refresh is redone), for this user.
    bot.slack.wait_for(
        "views.publish", lambda c: c.ok and c.args.get("user_id") == "UACME1", after=opened
    )
    home = bot.slack.home_view("UACME1")
    assert home is not None and len(home["blocks"]) <= 100
    (home_row,) = [
        b for b in home["blocks"] if b.get("block_id") == f"registration-{registration_id}"
    ]
    assert "1 open opportunity" in home_row["text"]["text"]
    labels = [o["text"]["text"] for o in home_row["accessory"]["options"]]
    assert "View opportunities" in labels

    mark = bot.slack.mark()
    bot.driver.choose("UACME1", "View opportunities", message=listing, action_id="manage")
    bot.slack.wait_for("views.open", after=mark)
    modal = bot.modal("UACME1")
    assert modal["callback_id"] == "opportunities"
    renewal = next(o for o in stored(bot, registration_id) if o.name == "Renewal")
    mark = bot.slack.mark()
    reply = bot.driver.choose(
        "UACME1", "Move to Won", view=row_of(modal, renewal), action_id="opportunity_stage"
    )
    assert reply.status == 200
    bot.slack.wait_for("views.update", after=mark)
    moved = bot.text_of(bot.modal("UACME1"))
    assert "*Renewal* is at Won now." in moved
    assert {o.name: o.stage for o in stored(bot, registration_id)} == {
        "Renewal": Stage.WON,
        "Old deal": Stage.LOST,
    }
    assert audit_actions(bot, registration_id).count("opportunity_moved") == 1

    # Another company's opportunity is as if it did not exist (asked from App Home, where
    # the answer opens as a small modal).
    mark = bot.slack.mark()
    elsewhere = {**row_of(modal, renewal), "type": "home"}
    bot.driver.choose("UBETA1", "Move to Lost", view=elsewhere, action_id="opportunity_stage")
    bot.slack.wait_for("views.open", after=mark)
    assert "not one of your company's" in bot.text_of(bot.modal("UBETA1"))
    assert {o.name: o.stage for o in stored(bot, registration_id)}["Renewal"] is Stage.WON
    assert audit_actions(bot, registration_id).count("opportunity_moved") == 1


def test_deleting_a_customer_with_open_opportunities_warns_first(bot: Bot) -> None:
    registration_id = seed(bot)
    deal(bot, registration_id, "Migration")
    deal(bot, registration_id, "Support")
    deal(bot, registration_id, "Lost one", Stage.LOST)

    assert bot.driver.slash_command("UACME1", "list").status == 200
    listing = latest_ephemeral(bot, "UACME1")
    mark = bot.slack.mark()
    bot.driver.choose("UACME1", "Delete", message=listing, action_id="manage")
    bot.slack.wait_for("views.open", after=mark)
    confirm = bot.modal("UACME1")
    assert "It has *2 open opportunities*" in bot.text_of(confirm)

    # Meanwhile a colleague adds one: the delete checks again, and says so.
    deal(bot, registration_id, "Late addition")
    refused = bot.driver.submit_view("UACME1")
    assert refused.json["response_action"] == "update"
    assert "now has 3 open opportunities, so it was not deleted" in bot.text_of(
        refused.json["view"]
    )
    with bot.context.uow() as uow:
        still = uow.registrations.get(registration_id)
    assert still is not None and still.status is Status.PREREGISTERED

    mark = bot.slack.mark()
    bot.driver.choose("UACME1", "Delete", message=listing, action_id="manage")
    bot.slack.wait_for("views.open", after=mark)
    assert "It has *3 open opportunities*" in bot.text_of(bot.modal("UACME1"))
    done = bot.driver.submit_view("UACME1")
    assert "is deleted and released" in bot.text_of(done.json["view"])
    with bot.context.uow() as uow:
        gone = uow.registrations.get(registration_id)
    assert gone is not None and gone.status is Status.DELETED
    found = customer_opportunities(GetOpportunities("UACME1", registration_id), bot.context)
    assert len(found.opportunities) == 4  # on record still
