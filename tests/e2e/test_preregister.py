"""A partner pre-registers through /preregister and the modal, over real HTTP."""

from __future__ import annotations

from tests.e2e.conftest import Bot

CUSTOMER = {"Customer name": "Kunde GmbH", "Email": "IT@Kunde.de", "Country / region": "DE"}


def registrations(bot: Bot) -> list[tuple[str, str, str | None]]:
    with bot.context.uow() as uow:
        return [(r.partner_id, r.status.value, r.customer.email) for r in uow.registrations.all()]


def test_eligible_customer_is_preregistered_in_the_modal(bot: Bot) -> None:
    reply = bot.driver.slash_command("UACME1")
    assert reply.status == 200
    opened = bot.slack.wait_for("views.open")
    assert opened.ok, opened.response
    modal = bot.modal("UACME1")
    labels = bot.text_of(modal)
    for word in ("Customer name", "Email", "Mobile", "Country"):
        assert word in labels

    answer = bot.driver.submit_view("UACME1", CUSTOMER)

    assert answer.status == 200
    assert answer.json["response_action"] == "update"
    shown = bot.text_of(bot.modal("UACME1"))
    assert "Pre-registered until" in shown
    assert "<!date^" in shown
    assert registrations(bot) == [("acme", "preregistered", "it@kunde.de")]
    bot.slack.assert_clean()
