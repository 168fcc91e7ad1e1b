"""What the partner types is checked field by field, and a submission sent twice counts once."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import REVIEW_CHANNEL, Bot
from tests.e2e.preregister_steps import (
    CUSTOMER,
    EMAIL,
    NOW,
    VALIDITY,
    assert_nothing_stored,
    audit,
    block_id,
    open_form,
    race,
    registrations,
    slack_date_of,
    sql,
    submit,
)

# --------------------------------------------------------------------------
# Field validation
# --------------------------------------------------------------------------

INVALID: dict[str, tuple[dict[str, Any], str, str]] = {
    # case: (answers, the input that must carry the error, words of the error)
    "bad email": ({**CUSTOMER, "Email": "it@kunde"}, "Email", "not a valid email"),
    "bad mobile for the country": (
        {"Customer name": "Kunde GmbH", "Mobile": "0151 23456789", "Country / region": "FR"},
        "Mobile",
        "not a valid mobile number",
    ),
    "neither email nor mobile": (
        {"Customer name": "Kunde GmbH", "Country / region": "DE"},
        "Email",
        "email or a mobile",
    ),
    "name of 201 characters": ({**CUSTOMER, "Customer name": "N" * 201}, "Customer name", "200"),
    "blank name": ({**CUSTOMER, "Customer name": "   "}, "Customer name", "required"),
    "unknown country": (
        {
            **CUSTOMER,
            "Country / region": {"text": {"type": "plain_text", "text": "Z"}, "value": "ZZ"},
        },
        "Country / region",
        "Choose a country",
    ),
}


@pytest.mark.parametrize("case", list(INVALID))
def test_invalid_field_gets_its_own_error_and_nothing_is_stored(bot: Bot, case: str) -> None:
    answers, label, words = INVALID[case]
    form = open_form(bot)

    answer = submit(bot, "UACME1", answers, check=False)

    assert answer.json["response_action"] == "errors"
    errors = answer.json["errors"]
    assert set(errors) == {block_id(form, label)}
    assert words in errors[block_id(form, label)]
    assert bot.modal("UACME1")["callback_id"] == "preregister"  # still the form, as typed
    assert_nothing_stored(bot)
    assert audit(bot) == []
    bot.slack.assert_clean()


def test_several_invalid_fields_each_get_an_error(bot: Bot) -> None:
    form = open_form(bot)

    answer = submit(
        bot,
        "UACME1",
        {**CUSTOMER, "Email": "it@kunde", "Mobile": "12345", "Customer name": "N" * 201},
        check=False,
    )

    assert answer.json["response_action"] == "errors"
    assert set(answer.json["errors"]) == {
        block_id(form, "Email"),
        block_id(form, "Mobile"),
        block_id(form, "Customer name"),
    }
    assert_nothing_stored(bot)
    bot.slack.assert_clean()


# --------------------------------------------------------------------------
# Double submission
# --------------------------------------------------------------------------


def test_the_same_submission_twice_makes_one_registration(bot: Bot) -> None:
    form = open_form(bot)

    first = submit(bot, "UACME1", CUSTOMER, view=form)
    second = submit(bot, "UACME1", CUSTOMER, view=form)

    assert "Pre-registered until" in bot.text_of(first.json["view"])
    again = bot.text_of(second.json["view"])
    assert "Your company already holds this customer" in again
    assert "No new record was made" in again
    assert slack_date_of(NOW + VALIDITY) in again
    assert registrations(bot) == [("acme", "preregistered", EMAIL)]
    assert [row["action"] for row in audit(bot)] == ["preregistered"]
    bot.slack.assert_clean()


def test_the_same_review_request_twice_makes_one_registration_and_one_card(bot: Bot) -> None:
    open_form(bot)
    submit(bot, "UACME1", {**CUSTOMER, "Country / region": "FR"})
    review_form = bot.modal("UACME1")

    first = submit(bot, "UACME1", {"Justification": "Ours."}, view=review_form)
    second = submit(bot, "UACME1", {"Justification": "Ours."}, view=review_form)

    assert "Reviewers answer by" in bot.text_of(first.json["view"])
    again = bot.text_of(second.json["view"])
    assert "Your company already holds this customer" in again
    assert "waiting for a reviewer's decision" in again
    assert registrations(bot) == [("acme", "pending_review", EMAIL)]
    bot.slack.wait_for("chat.postMessage", lambda c: c.args.get("channel") == REVIEW_CHANNEL)
    kinds = sql(bot, "SELECT kind FROM outbox WHERE kind <> 'home_refresh'")
    assert [row["kind"] for row in kinds] == ["review_request"]
    bot.slack.assert_clean()


def test_simultaneous_submissions_of_one_view_make_one_registration(bot: Bot) -> None:
    form = open_form(bot)

    replies = race(2, lambda _: submit(bot, "UACME1", CUSTOMER, view=form))

    answers = sorted(bot.text_of(r.json["view"]) for r in replies)
    assert sum("Pre-registered until" in a for a in answers) == 1
    assert sum("Your company already holds this customer" in a for a in answers) == 1
    assert registrations(bot) == [("acme", "preregistered", EMAIL)]
    assert [row["action"] for row in audit(bot)] == ["preregistered"]
    bot.slack.assert_clean()


def test_two_partners_racing_for_one_customer_leave_one_holder(bot: Bot) -> None:
    forms = {user: open_form(bot, user) for user in ("UACME1", "UBETA1")}
    users = list(forms)

    replies = race(2, lambda i: submit(bot, users[i], CUSTOMER, view=forms[users[i]]))

    answers = [bot.text_of(r.json["view"]) for r in replies]
    assert sum("Pre-registered until" in a for a in answers) == 1
    assert sum("already pre-registered by someone else" in a for a in answers) == 1
    [(holder, status, email)] = registrations(bot)
    assert (status, email) == ("preregistered", EMAIL)
    loser = "acme" if holder == "beta" else "beta"
    assert [row["partner_id"] for row in audit(bot) if row["action"] == "blocked"] == [loser]
    bot.slack.assert_clean()
