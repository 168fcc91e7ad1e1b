"""Every answer offers its next step, over real HTTP: Pre-register another after a
pre-registration, Edit details and Pre-register another after a refusal, Open my customers at
the quota, Pre-register again after an expiry or a rejection."""

from __future__ import annotations

from typing import Any

from bot.domain.model import CustomerFacts, Status
from bot.services.registrations import ExpireDue, expire_due
from bot.services.reviews import Reject, reject
from tests import seeding
from tests.e2e.conftest import Bot
from tests.e2e.preregister_steps import CUSTOMER, initial, open_form


def click_in_modal(bot: Bot, text: str, user: str = "UACME1") -> dict[str, Any]:
    mark = bot.slack.mark()
    assert bot.driver.click(user, view=bot.modal(user), text=text).status == 200
    updated = bot.slack.wait_for("views.update", after=mark)
    assert updated.ok, updated.response
    return bot.modal(user)


def test_after_a_pre_registration_pre_register_another_gives_a_fresh_form(bot: Bot) -> None:
    open_form(bot)
    bot.driver.submit_view("UACME1", CUSTOMER)
    assert "Pre-registered until" in bot.text_of(bot.modal("UACME1"))
    form = click_in_modal(bot, "Pre-register another")
    assert form["callback_id"] == "preregister"
    assert initial(form, "Customer name") is None
    bot.slack.assert_clean()


def test_after_a_refusal_edit_details_keeps_what_was_typed(bot: Bot) -> None:
    with bot.context.uow() as uow:
        uow.directory.upsert(CustomerFacts(email="it@kunde.de", has_contract=True))
        uow.commit()
    open_form(bot)
    bot.driver.submit_view("UACME1", {**CUSTOMER, "Mobile": "030 1234567"})
    assert "can't be pre-registered" in bot.text_of(bot.modal("UACME1"))
    form = click_in_modal(bot, "Edit details")
    assert form["callback_id"] == "preregister"
    assert initial(form, "Customer name") == "Kunde GmbH"
    assert initial(form, "Email") == "it@kunde.de"
    assert initial(form, "Mobile") == "+49301234567"
    assert initial(form, "Country / region") == "DE"
    bot.slack.assert_clean()


def test_at_the_quota_open_my_customers_shows_the_list(bot: Bot) -> None:
    for n in range(3):
        seeding.hold(bot.context, f"k{n}@kunde.example")
    assert bot.driver.slash_command("UACME1").status == 200
    bot.wait_until(lambda: bool(bot.slack.ephemerals("UACME1")))
    refusal = bot.slack.ephemerals("UACME1")[-1]
    assert "at its quota" in bot.text_of(refusal)
    assert bot.driver.click("UACME1", message=refusal, text="Open my customers").status == 200
    bot.wait_until(lambda: len(bot.slack.ephemerals("UACME1")) == 2)
    assert "3 of 3 active" in bot.text_of(bot.slack.ephemerals("UACME1")[-1])
    bot.slack.assert_clean()


def test_after_an_expiry_pre_register_again_opens_the_form_with_the_customer(bot: Bot) -> None:
    held = seeding.hold(bot.context, "alt@kunde.example")
    assert held.valid_until is not None
    bot.clock.now = held.valid_until
    expire_due(ExpireDue(), bot.context)
    dm = bot.slack.dm_channel("UACME1")
    bot.wait_until(lambda: any("has ended" in bot.text_of(m) for m in bot.slack.messages(dm)))
    notice = next(m for m in bot.slack.messages(dm) if "has ended" in bot.text_of(m))
    mark = bot.slack.mark()
    assert bot.driver.click("UACME1", message=notice, text="Pre-register again").status == 200
    opened = bot.slack.wait_for("views.open", after=mark)
    assert opened.ok, opened.response
    form = bot.modal("UACME1")
    assert initial(form, "Email") == "alt@kunde.example"
    assert initial(form, "Customer name") == "Kunde GmbH"
    bot.slack.assert_clean()


def test_after_a_rejection_the_dm_offers_pre_register_again(bot: Bot) -> None:
    request = seeding.ask_review(bot.context, "achat@kunde.fr")
    assert request.id is not None
    reject(Reject("UREV1", request.id, "Not in your territory"), bot.context)
    dm = bot.slack.dm_channel("UACME1")
    bot.wait_until(lambda: any("rejected" in bot.text_of(m) for m in bot.slack.messages(dm)))
    decision = next(m for m in bot.slack.messages(dm) if "rejected" in bot.text_of(m))
    assert "<!date" not in decision["text"] and "*" not in decision["text"]
    mark = bot.slack.mark()
    assert bot.driver.click("UACME1", message=decision, text="Pre-register again").status == 200
    bot.slack.wait_for("views.open", after=mark)
    assert initial(bot.modal("UACME1"), "Country / region") == "FR"
    with bot.context.uow() as uow:
        rejected = uow.registrations.get(request.id)
    assert rejected is not None and rejected.status is Status.REJECTED
    bot.slack.assert_clean()
