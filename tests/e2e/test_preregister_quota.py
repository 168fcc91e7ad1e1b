"""The quota before and at submission: told with the count and the next expiry, checked again at
each step."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.model import Customer, Registration
from bot.slack_errors import APOLOGY, FORM_NOT_OPENED
from tests.e2e.conftest import Bot
from tests.e2e.preregister_steps import (
    CUSTOMER,
    EMAIL,
    NOW,
    REVIEW_DUE,
    VALIDITY,
    assert_nothing_stored,
    command_reply,
    open_form,
    registrations,
    review_posts,
    seed_registrations,
    shown,
    slack_date_of,
    submit,
)
from tests.slack_driver import fields_of


def test_quota_reached_is_told_with_count_and_next_expiry_and_no_modal(bot: Bot) -> None:
    seed_registrations(bot, "acme", [5, 2, 8])  # the one made 8 days ago ends first

    reply = command_reply(bot, "UACME1")

    said = bot.text_of(reply)
    assert "3 of 3" in said
    assert "next one expires" in said
    assert slack_date_of(NOW - timedelta(days=8) + VALIDITY) in said
    assert bot.slack.calls("views.open") == []
    assert bot.slack.current_modal("UACME1") is None
    assert len(registrations(bot)) == 3
    bot.slack.assert_clean()


def test_registrations_past_their_validity_free_the_quota(bot: Bot) -> None:
    seed_registrations(bot, "acme", [16, 20, 30])  # all past valid_until, not yet swept

    open_form(bot)
    submit(bot, "UACME1", CUSTOMER)

    assert "Pre-registered until" in shown(bot)
    assert ("acme", "preregistered", EMAIL) in registrations(bot)
    bot.slack.assert_clean()


def test_quota_full_of_pending_reviews_says_places_free_up_as_reviewers_decide(
    bot: Bot,
) -> None:
    with bot.context.uow() as uow:
        for n in range(3):
            customer = Customer(f"Seeded {n}", "FR", email=f"seeded{n}@acme.example")
            uow.registrations.add(
                Registration.pending_review("acme", customer, (), "ours", NOW, REVIEW_DUE)
            )
        uow.commit()

    said = bot.text_of(command_reply(bot, "UACME1"))

    assert "3 of 3" in said
    assert "waiting for a reviewer's decision" in said
    assert bot.slack.calls("views.open") == []
    bot.slack.assert_clean()


def test_quota_is_checked_again_at_submission_and_the_form_keeps_what_was_typed(
    bot: Bot,
) -> None:
    open_form(bot)
    seed_registrations(bot, "acme", [1, 1])  # meanwhile, from elsewhere,
    open_form(bot, "UACME2")  # and a colleague takes the last place in another request
    submit(bot, "UACME2", {**CUSTOMER, "Customer name": "Other AG", "Email": "it@other.de"})
    typed = {
        **CUSTOMER,
        "Mobile": "030 1234567",
        "Industry": "Retail & consumer goods",
        "Notes": "Met at a fair",
    }

    answer = submit(bot, "UACME1", typed)

    assert answer.json["response_action"] == "update"
    form = bot.modal("UACME1")
    assert form["callback_id"] == "preregister"  # the form again, to submit once a place frees
    said = bot.text_of(form)
    assert "3 of 3" in said and "Nothing was saved" in said
    assert "Pre-registered" not in said
    kept = {f.label: f.element.get("initial_value") for f in fields_of(form) if f.element}
    assert kept["Customer name"] == "Kunde GmbH"
    assert kept["Email"] == "IT@Kunde.de"  # as typed, not as normalized
    assert kept["Mobile"] == "030 1234567"
    assert kept["Notes"] == "Met at a fair"
    assert EMAIL not in [email for _, _, email in registrations(bot)]
    assert len(registrations(bot)) == 3
    bot.slack.assert_clean()


def test_quota_is_checked_again_when_the_justification_arrives(bot: Bot) -> None:
    open_form(bot)
    submit(bot, "UACME1", {**CUSTOMER, "Country / region": "FR"})
    seed_registrations(bot, "acme", [1, 1, 1])

    answer = submit(bot, "UACME1", {"Justification": "Ours."})

    # The review step stays, with the justification as written, the words under it.
    assert answer.json["response_action"] == "errors"
    assert "3 of 3" in answer.json["errors"]["justification"]
    assert bot.modal("UACME1")["callback_id"] == "preregister_review"
    assert len(registrations(bot)) == 3
    assert review_posts(bot) == []
    bot.slack.assert_clean()


def test_a_form_slack_will_not_open_in_time_is_answered_try_again_not_sorry(bot: Bot) -> None:
    # Slack refuses views.open with a trigger_id older than 3 s (a slow network, a busy bot).
    mark = bot.slack.mark()
    too_old = bot.slack.triggers.ttl + 1
    assert bot.driver.slash_command("UACME1", trigger_age=too_old).status == 200

    refused = bot.slack.wait_for("views.open", after=mark)
    assert refused.response.get("error") == "expired_trigger_id"
    bot.wait_until(lambda: bool(bot.slack.ephemerals("UACME1")))
    assert [e["text"] for e in bot.slack.ephemerals("UACME1")] == [FORM_NOT_OPENED]
    assert FORM_NOT_OPENED != APOLOGY
    assert bot.slack.modal_stack("UACME1") == []
    assert_nothing_stored(bot)
