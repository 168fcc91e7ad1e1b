"""A reviewer approves or rejects, and who may decide."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.blocks.reject import REJECT_MODAL
from bot.blocks.review import NOT_A_REVIEWER, OWN_COMPANY
from bot.blocks.text import escape
from bot.domain.model import Status
from tests.e2e.conftest import REVIEW_CHANNEL, Bot
from tests.e2e.review_steps import (
    ACME_USERS,
    APPROVED_AND_TOLD,
    buttons,
    card,
    card_updates,
    date_of,
    decided,
    dms,
    ephemeral_for,
    open_reject_modal,
    other,
    outbox_kinds,
    requested_card,
)
from tests.e2e.rows import registration, settle


def test_partner_asks_for_review_in_the_modal_and_a_reviewer_approves(bot: Bot) -> None:
    assert bot.driver.slash_command("UACME1").status == 200
    assert bot.slack.wait_for("views.open").ok
    first = bot.driver.submit_view(
        "UACME1",
        {"Customer name": "Kunde SARL", "Email": "Achat@Kunde.fr", "Country / region": "FR"},
    )
    assert first.json["response_action"] == "update"
    assert "Justification" in bot.text_of(bot.modal("UACME1"))
    second = bot.driver.submit_view("UACME1", {"Justification": "Met at a fair in Lyon"})
    assert second.json["response_action"] == "update"
    assert "Reviewers answer by" in bot.text_of(bot.modal("UACME1"))
    with bot.context.uow() as uow:
        (request,) = uow.registrations.all()
    assert request.status is Status.PENDING_REVIEW and request.id is not None

    shown = card(bot, request.id)
    assert "Met at a fair in Lyon" in bot.text_of(shown)
    bot.clock.advance(timedelta(hours=5))  # the decision comes later than the request
    assert bot.driver.click("UREV1", message=shown, text="Approve").status == 200
    approved = decided(bot, request.id)

    # The registration: pre-registered from the moment of approval.
    assert approved.status is Status.PREREGISTERED
    assert approved.decided_by == "UREV1"
    assert approved.decided_at == bot.clock.now
    assert approved.valid_until == bot.clock.now + bot.context.policy.validity
    # The card: updated in place, decision shown, buttons gone.
    (update,) = card_updates(bot)
    assert (update.args["channel"], update.args["ts"]) == (REVIEW_CHANNEL, shown["ts"])
    (now_shown,) = bot.slack.messages(REVIEW_CHANNEL)
    assert now_shown["ts"] == shown["ts"] and "edited" in now_shown
    assert buttons(now_shown) == {}
    assert all(block["type"] != "actions" for block in now_shown["blocks"])
    text = bot.text_of(now_shown)
    assert "Approved by <@UREV1>" in text
    assert date_of(approved.decided_at) in text and date_of(approved.valid_until) in text
    assert "Answer by" not in text
    # Every ACME user: one DM, approved, until when.
    assert sorted(user for user, _ in dms(bot)) == sorted(ACME_USERS)
    assert {c.args["users"] for c in bot.slack.calls("conversations.open")} == ACME_USERS
    for _, dm in dms(bot):
        said = bot.text_of(dm)
        assert "Kunde SARL" in said and "is pre-registered" in said
        assert date_of(approved.valid_until) in said
    assert bot.slack.ephemerals() == []
    assert [kind for kind, _, status in outbox_kinds(bot) if status == "sent"] == APPROVED_AND_TOLD
    bot.slack.assert_clean()


def test_reject_asks_for_a_reason_and_tells_everyone(bot: Bot) -> None:
    request_id, shown = requested_card(bot)
    settle(bot)
    before = outbox_kinds(bot)

    modal = open_reject_modal(bot, "UREV1", shown)
    reason_input, details_input = [b for b in modal["blocks"] if b["type"] == "input"]
    assert reason_input["label"]["text"] == "Reason"
    assert reason_input["optional"] is False

    # Other without words (or blank ones): an error under the details, nothing changed.
    for empty in ("", "   "):
        refused = bot.driver.submit_view("UREV1", other(empty), check=False)
        assert refused.status == 200
        assert refused.json["response_action"] == "errors"
        assert set(refused.json["errors"]) == {details_input["block_id"]}
        assert registration(bot, request_id).status is Status.PENDING_REVIEW
        assert outbox_kinds(bot) == before
        assert bot.modal("UREV1")["callback_id"] == REJECT_MODAL  # still open, still typing

    bot.clock.advance(timedelta(hours=1))
    closed = bot.driver.submit_view("UREV1", other("  Direct sales owns this account.  "))
    assert closed.status == 200 and closed.json is None  # the modal closes
    assert bot.slack.current_modal("UREV1") is None
    rejected = decided(bot, request_id)

    assert rejected.status is Status.REJECTED
    assert rejected.decided_by == "UREV1" and rejected.decided_at == bot.clock.now
    assert rejected.decision_note == "Direct sales owns this account."
    assert rejected.valid_until is None
    (update,) = card_updates(bot)
    assert update.args["ts"] == shown["ts"]
    (now_shown,) = bot.slack.messages(REVIEW_CHANNEL)
    assert buttons(now_shown) == {}
    text = bot.text_of(now_shown)
    assert "Rejected by <@UREV1>" in text and "Direct sales owns this account." in text
    assert date_of(rejected.decided_at) in text
    assert sorted(user for user, _ in dms(bot)) == sorted(ACME_USERS)
    for _, dm in dms(bot):
        said = bot.text_of(dm)
        assert "rejected" in said and "Direct sales owns this account." in said
    bot.slack.assert_clean()


@pytest.mark.parametrize(("user", "refusal"), [("UBETA1", NOT_A_REVIEWER), ("UACME2", OWN_COMPANY)])
@pytest.mark.parametrize("button", ["Approve", "Reject"])
def test_only_reviewers_outside_the_company_may_decide(
    bot: Bot, user: str, refusal: str, button: str
) -> None:
    request_id, shown = requested_card(bot)
    settle(bot)
    before = outbox_kinds(bot)

    assert bot.driver.click(user, message=shown, text=button).status == 200

    said = ephemeral_for(bot, user)
    assert escape(refusal) in said
    assert registration(bot, request_id).status is Status.PENDING_REVIEW
    assert registration(bot, request_id).decided_by is None
    assert outbox_kinds(bot) == before
    assert bot.slack.calls("views.open") == []
    assert card_updates(bot) == []
    assert bot.slack.messages(REVIEW_CHANNEL) == [shown]
    assert dms(bot) == []
    bot.slack.assert_clean()
