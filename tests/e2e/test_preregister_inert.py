"""Help, and what a partner types stays text: no mention pings, no markup breaks a message,
no unsigned request is heard."""

from __future__ import annotations

import pytest

from bot.blocks.text import escape
from tests.e2e.conftest import REVIEW_CHANNEL, Bot
from tests.e2e.preregister_steps import (
    CUSTOMER,
    INJECTION,
    INJECTION_NOTES,
    assert_inert,
    command_reply,
    database_state,
    initial,
    mrkdwn_in,
    open_form,
    seed_facts,
    shown,
    stored,
    submit,
)
from tests.slack_driver import Signature

# --------------------------------------------------------------------------
# Help
# --------------------------------------------------------------------------


def test_help_explains_the_rules_ephemerally(bot: Bot) -> None:
    reply = command_reply(bot, "UACME1", "help")

    said = bot.text_of(reply)
    assert "/preregister list" in said
    assert "15 days" in said
    assert "at most 3 customers" in said
    assert "2 working days" in said
    assert bot.slack.calls("views.open") == []
    assert bot.slack.calls("chat.postMessage") == []  # only the user sees it
    bot.slack.assert_clean()


def test_a_name_after_the_command_opens_the_form_with_it_filled_in(bot: Bot) -> None:
    mark = bot.slack.mark()
    assert bot.driver.slash_command("UACME1", "Acme   Corp <!channel>&").status == 200
    opened = bot.slack.wait_for("views.open", after=mark)
    assert opened.ok, opened.response
    form = bot.modal("UACME1")
    assert form["callback_id"] == "preregister"
    assert initial(form, "Customer name") == "Acme Corp <!channel>&"  # a plain_text input
    assert bot.slack.ephemerals("UACME1") == []
    bot.slack.assert_clean()


# --------------------------------------------------------------------------
# Mention injection
# --------------------------------------------------------------------------


def test_injected_name_and_notes_are_inert_when_preregistered(bot: Bot) -> None:
    open_form(bot)

    submit(bot, "UACME1", {**CUSTOMER, "Customer name": INJECTION, "Notes": INJECTION_NOTES})

    result = bot.modal("UACME1")
    assert "Pre-registered until" in bot.text_of(result)
    assert any("&amp; co" in piece for piece in mrkdwn_in(result))
    [registration] = stored(bot)
    assert registration.customer.name == INJECTION  # stored as typed, escaped when shown
    assert_inert(bot)
    bot.slack.assert_clean()


def test_injected_name_is_inert_when_blocked(bot: Bot) -> None:
    seed_facts(bot, has_contract=True)
    open_form(bot)

    submit(bot, "UACME1", {**CUSTOMER, "Customer name": INJECTION, "Notes": INJECTION_NOTES})

    result = bot.modal("UACME1")
    assert "can't be pre-registered" in bot.text_of(result)
    assert any("&amp; co" in piece for piece in mrkdwn_in(result))
    assert_inert(bot)
    bot.slack.assert_clean()


def test_injected_name_notes_and_justification_are_inert_on_the_review_card(bot: Bot) -> None:
    open_form(bot)
    submit(
        bot,
        "UACME1",
        {
            **CUSTOMER,
            "Customer name": INJECTION,
            "Notes": INJECTION_NOTES,
            "Country / region": "FR",
        },
    )
    assert escape(INJECTION) in bot.text_of(bot.modal("UACME1"))  # shown locked, escaped

    submit(bot, "UACME1", {"Justification": "Trust us <!here> & <@UBETA1>"})

    assert "Reviewers answer by" in shown(bot)
    card = bot.slack.wait_for("chat.postMessage", lambda c: c.args.get("channel") == REVIEW_CHANNEL)
    assert card.ok, card.response
    card_markup = [*mrkdwn_in(card.args.get("blocks")), card.args["text"]]
    assert any("&amp; co" in piece for piece in card_markup)
    assert any("Trust us &lt;!here&gt; &amp; &lt;@UBETA1&gt;" in piece for piece in card_markup)
    assert_inert(bot)
    bot.slack.assert_clean()


def test_longest_inputs_full_of_markup_stay_within_slacks_limits(bot: Bot) -> None:
    name = "&<>" * 66 + "&<"  # 200 characters, each one escaped to several
    notes = "<&>" * 1000  # 3000
    open_form(bot)
    submit(
        bot,
        "UACME1",
        {**CUSTOMER, "Customer name": name, "Notes": notes, "Country / region": "FR"},
    )
    assert initial(bot.modal("UACME1"), "Notes") == notes  # still an input of the review step

    submit(bot, "UACME1", {"Justification": "&" * 2000})

    assert "Reviewers answer by" in shown(bot)
    [registration] = stored(bot)
    assert (registration.customer.name, registration.customer.notes) == (name, notes)
    card = bot.slack.wait_for("chat.postMessage", lambda c: c.args.get("channel") == REVIEW_CHANNEL)
    assert card.ok, card.response
    assert_inert(bot)
    bot.slack.assert_clean()


# --------------------------------------------------------------------------
# Request signing
# --------------------------------------------------------------------------


@pytest.mark.parametrize("signature", ["bad", "stale", "missing"])
def test_unsigned_view_submission_is_refused_and_changes_nothing(
    bot: Bot, signature: Signature
) -> None:
    form = open_form(bot)
    before = database_state(bot)
    mark = bot.slack.mark()

    reply = bot.driver.submit_view("UACME1", CUSTOMER, signature=signature)

    assert reply.status == 401
    assert database_state(bot) == before
    assert bot.slack.calls(after=mark) == []
    assert bot.modal("UACME1") == form
    bot.slack.assert_clean()
