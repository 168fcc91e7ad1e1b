"""Decisions at the same moment, double clicks and stale modals: one decision wins."""

from __future__ import annotations

from bot.domain.model import Status
from tests.e2e import review_steps as steps
from tests.e2e.conftest import REVIEW_CHANNEL, Bot
from tests.e2e.rows import registration, settle


def test_approve_and_reject_at_the_same_moment_one_decision_wins(bot: Bot) -> None:
    request_id, shown = steps.requested_card(bot)
    steps.open_reject_modal(bot, "UREV2", shown)

    _, rejecting = steps.race(
        lambda: bot.driver.click("UREV1", message=shown, text="Approve"),
        lambda: bot.driver.submit_view("UREV2", steps.other("Direct sales owns it")),
    )
    final = steps.decided(bot, request_id)

    with bot.context.uow() as uow:
        actions = [e.action for e in uow.audit.for_registration(request_id)]
    assert sorted(a for a in actions if a in ("approved", "rejected")) in (
        ["approved"],
        ["rejected"],
    )
    (update,) = steps.card_updates(bot)
    assert update.args["ts"] == shown["ts"]
    card_text = bot.text_of(bot.slack.messages(REVIEW_CHANNEL)[0])
    if final.status is Status.PREREGISTERED:
        assert final.decided_by == "UREV1" and final.decision_note is None
        assert rejecting.json["response_action"] == "update"
        told = bot.text_of(bot.modal("UREV2"))
        assert "already decided" in told and "Approved by <@UREV1>" in told
        assert "Approved by <@UREV1>" in card_text and "Rejected" not in card_text
        assert bot.slack.ephemerals() == []
    else:
        assert final.status is Status.REJECTED
        assert final.decided_by == "UREV2" and final.decision_note == "Direct sales owns it"
        assert rejecting.json is None  # the winner's modal just closes
        told = steps.ephemeral_for(bot, "UREV1")
        assert "already decided" in told and "Rejected by <@UREV2>" in told
        assert "Rejected by <@UREV2>" in card_text and "Approved" not in card_text
    assert sorted(user for user, _ in steps.dms(bot)) == sorted(steps.ACME_USERS)
    assert [k for k, _, _ in steps.outbox_kinds(bot)].count("decision") == 2
    assert [k for k, _, _ in steps.outbox_kinds(bot)].count("review_decided") == 1
    bot.slack.assert_clean()


def test_a_double_click_on_approve_decides_once(bot: Bot) -> None:
    request_id, shown = steps.requested_card(bot)

    steps.race(
        lambda: bot.driver.click("UREV1", message=shown, text="Approve"),
        lambda: bot.driver.click("UREV1", message=shown, text="Approve"),
    )
    approved = steps.decided(bot, request_id)
    # The second click is told, so nobody wonders whether it worked.
    told = steps.ephemeral_for(bot, "UREV1")
    assert "already decided" in told and "Approved by <@UREV1>" in told

    assert approved.status is Status.PREREGISTERED
    with bot.context.uow() as uow:
        actions = [e.action for e in uow.audit.for_registration(request_id)]
    assert actions.count("approved") == 1
    assert len(steps.card_updates(bot)) == 1
    assert sorted(user for user, _ in steps.dms(bot)) == sorted(steps.ACME_USERS)
    assert [k for k, _, _ in steps.outbox_kinds(bot)] == steps.APPROVED_AND_TOLD
    bot.slack.assert_clean()


def test_the_reject_modal_of_a_request_approved_meanwhile_says_so(bot: Bot) -> None:
    request_id, shown = steps.requested_card(bot)
    steps.open_reject_modal(bot, "UREV2", shown)
    assert bot.driver.click("UREV1", message=shown, text="Approve").status == 200
    approved = steps.decided(bot, request_id)
    before = steps.outbox_kinds(bot)

    reply = bot.driver.submit_view("UREV2", steps.other("Too late"))

    assert reply.json["response_action"] == "update"
    told = bot.text_of(bot.modal("UREV2"))
    assert "already decided" in told and "Approved by <@UREV1>" in told
    settle(bot)
    assert registration(bot, request_id) == approved
    assert steps.outbox_kinds(bot) == before
    assert len(steps.card_updates(bot)) == 1
    assert len(steps.dms(bot)) == 2
    # Clicking Reject on the stale card does not even open the modal.
    mark = bot.slack.mark()
    assert bot.driver.click("UREV2", message=shown, text="Reject").status == 200
    assert "already decided" in steps.ephemeral_for(bot, "UREV2")
    assert bot.slack.calls("views.open", after=mark) == []
    bot.slack.assert_clean()
