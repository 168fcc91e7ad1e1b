"""Before the form opens: an unlinked user is told whom to ask, and a company without contact
sets it first."""

from __future__ import annotations

from tests.e2e.conftest import Bot
from tests.e2e.preregister_steps import (
    CUSTOMER,
    block_id,
    command_reply,
    database_state,
    initial,
    open_form,
    registrations,
    shown,
    sql,
    submit,
)


def test_unlinked_user_is_told_whom_to_ask_and_nothing_opens(bot: Bot) -> None:
    reply = command_reply(bot, "UNOBODY1")

    said = bot.text_of(reply)
    assert "isn't linked to a partner company" in said
    assert "ecosystem manager" in said
    assert "UNOBODY1" in said  # what to give them
    assert bot.slack.calls("views.open") == []
    assert bot.slack.current_modal("UNOBODY1") is None

    again = command_reply(bot, "UNOBODY1", "profile")

    assert "isn't linked to a partner company" in bot.text_of(again)
    assert bot.slack.calls("views.open") == []
    assert database_state(bot)["registrations"] == []
    bot.slack.assert_clean()


def test_user_unlinked_meanwhile_is_told_at_submission(bot: Bot) -> None:
    open_form(bot)
    sql(bot, "DELETE FROM partner_users WHERE slack_user_id = 'UACME1'")

    answer = submit(bot, "UACME1", CUSTOMER)

    assert answer.json["response_action"] == "update"
    assert "isn't linked to a partner company" in shown(bot)
    assert registrations(bot) == []
    bot.slack.assert_clean()


def test_company_without_contact_sets_it_from_the_button_then_can_preregister(
    bot: Bot,
) -> None:
    refusal = command_reply(bot, "UMUTE1")

    assert "no email or mobile number on file" in bot.text_of(refusal)
    assert bot.slack.calls("views.open") == []

    # The button opens the profile modal.
    mark = bot.slack.mark()
    clicked = bot.driver.click("UMUTE1", message=(refusal), text="Set contact details")
    assert clicked.status == 200
    assert bot.slack.wait_for("views.open", after=mark).ok
    profile = bot.modal("UMUTE1")
    assert profile["callback_id"] == "profile"
    assert "Mute &amp; Co" not in bot.text_of(profile)  # plain_text: shown as typed

    # A bad email is refused under its field; nothing is saved.
    bad = submit(bot, "UMUTE1", {"Email": "sales@mute"})
    assert bad.json["response_action"] == "errors"
    assert set(bad.json["errors"]) == {block_id(profile, "Email")}
    with bot.context.uow() as uow:
        partner = uow.partners.get("mute")
    assert partner is not None and partner.email is None

    # A good one is saved (normalized).
    good = submit(bot, "UMUTE1", {"Email": " Sales@Mute.example "})
    assert good.json["response_action"] == "update"
    assert "sales@mute.example" in shown(bot, "UMUTE1")
    with bot.context.uow() as uow:
        partner = uow.partners.get("mute")
    assert partner is not None and partner.email == "sales@mute.example"

    # Now /preregister opens the form, with the company's country (France) pre-selected.
    bot.driver.close_view("UMUTE1")
    form = open_form(bot, "UMUTE1")
    assert initial(form, "Country / region") == "FR"
    bot.slack.assert_clean()


def test_profile_command_opens_the_contact_modal(bot: Bot) -> None:
    mark = bot.slack.mark()
    bot.driver.slash_command("UBETA1", "profile")

    assert bot.slack.wait_for("views.open", after=mark).ok
    profile = bot.modal("UBETA1")
    assert profile["callback_id"] == "profile"
    assert initial(profile, "Mobile") == "+4930999999"

    bad = submit(bot, "UBETA1", {"Mobile": "12345"})
    assert set(bad.json["errors"]) == {block_id(profile, "Mobile")}
    with bot.context.uow() as uow:
        partner = uow.partners.get("beta")
    assert partner is not None and partner.mobile == "+4930999999"
    bot.slack.assert_clean()


def test_profile_errors_name_the_field_that_is_wrong(bot: Bot) -> None:
    bot.driver.slash_command("UMUTE1", "profile")
    bot.slack.wait_for("views.open")
    profile = bot.modal("UMUTE1")

    too_long = submit(bot, "UMUTE1", {"Mobile": "1" * 400}, check=False)
    assert set(too_long.json["errors"]) == {block_id(profile, "Mobile")}

    nothing = submit(bot, "UMUTE1", {}, check=False)
    assert set(nothing.json["errors"]) == {block_id(profile, "Email")}

    with bot.context.uow() as uow:
        partner = uow.partners.get("mute")
    assert partner is not None and not partner.has_contact()
    bot.slack.assert_clean()


def test_contact_removed_meanwhile_is_told_at_submission_with_the_profile_button(
    bot: Bot,
) -> None:
    open_form(bot)
    sql(bot, "UPDATE partners SET email = NULL, mobile = NULL")

    answer = submit(bot, "UACME1", CUSTOMER)

    assert answer.json["response_action"] == "update"
    notice = bot.modal("UACME1")
    assert "no email or mobile number on file" in bot.text_of(notice)
    assert registrations(bot) == []

    mark = bot.slack.mark()
    bot.driver.click("UACME1", text="Set contact details")
    assert bot.slack.wait_for("views.push", after=mark).ok
    assert bot.modal("UACME1")["callback_id"] == "profile"
    bot.slack.assert_clean()
