"""Opportunities under their customer: stages that move, and a warning before deleting a
customer with open ones."""

from __future__ import annotations

from bot.domain.model import Status
from bot.domain.opportunities import Stage
from bot.services.opportunities import GetOpportunities, customer_opportunities
from tests.e2e.conftest import Bot
from tests.e2e.opportunity_steps import audit_actions, deal, latest_ephemeral, row_of, seed, stored


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
