"""Deciding on the workbench: long justifications, confirming approval, and preset reasons."""

from __future__ import annotations

from bot.domain.model import Status
from tests.e2e.conftest import REVIEW_CHANNEL, Bot
from tests.e2e.review_steps import card, decided, dms, open_reject_modal, request_review
from tests.e2e.rows import registration, settle
from tests.e2e.workbench_steps import section_with

LONG = "\n".join(f"Line {i}: we ran their cloud pilot & <b>won</b> the tender." for i in range(30))


def test_a_long_justification_is_cut_on_the_card_and_whole_in_its_thread(bot: Bot) -> None:
    request = request_review(bot, justification=LONG)
    shown = card(bot, request.id or 0)
    justification = section_with(shown, "*Justification*")
    assert "Line 0:" in justification and "Line 3:" in justification
    assert "Line 4:" not in justification
    assert "whole justification is in this card's thread" in justification

    reply = bot.slack.wait_for("chat.postMessage", lambda c: c.args.get("thread_ts") == shown["ts"])
    assert reply.ok and reply.args["channel"] == REVIEW_CHANNEL
    threaded = bot.slack.message(REVIEW_CHANNEL, reply.response["ts"])
    said = bot.text_of(threaded)
    assert "Line 29:" in said and "&lt;b&gt;won&lt;/b&gt;" in said and "<b>" not in said
    # The buttons stay right under the card's facts, not pushed below 30 lines.
    assert shown["blocks"][-1]["type"] == "actions"
    settle(bot)
    bot.slack.assert_clean()


def test_a_short_justification_stays_whole_and_nothing_goes_in_the_thread(bot: Bot) -> None:
    request = request_review(bot, justification="Met at a fair in Lyon.")
    shown = card(bot, request.id or 0)
    assert "Met at a fair in Lyon." in section_with(shown, "*Justification*")
    settle(bot)
    assert not [c for c in bot.slack.calls("chat.postMessage") if c.args.get("thread_ts")]
    bot.slack.assert_clean()


def test_approve_asks_to_confirm_before_it_is_sent(bot: Bot) -> None:
    request = request_review(bot, name="Kunde SARL")
    shown = card(bot, request.id or 0)
    (approve_button,) = [
        e
        for b in shown["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "approve"
    ]
    confirm = approve_button["confirm"]
    assert confirm["title"]["text"] == "Approve this request?"
    assert "Kunde SARL becomes pre-registered for Acme Cloud Partners" in confirm["text"]["text"]
    assert (confirm["confirm"]["text"], confirm["deny"]["text"]) == ("Approve", "Cancel")
    # Slack sends the click only once the reviewer confirmed it.
    assert bot.driver.click("UREV1", message=shown, text="Approve").status == 200
    assert decided(bot, request.id or 0).status is Status.PREREGISTERED
    bot.slack.assert_clean()


def test_a_preset_reason_with_details_reaches_the_partner(bot: Bot) -> None:
    request = request_review(bot)
    shown = card(bot, request.id or 0)
    open_reject_modal(bot, "UREV1", shown)
    answers = {
        "Reason": "Direct sales owns the account",
        "Details for the partner": "Their account manager met them <in> May.",
    }
    assert bot.driver.submit_view("UREV1", answers).json is None
    rejected = decided(bot, request.id or 0)

    note = "Direct sales owns the account: Their account manager met them <in> May."
    assert rejected.decision_note == note
    with bot.context.uow() as uow:
        (entry,) = [
            e for e in uow.audit.for_registration(rejected.id or 0) if e.action == "rejected"
        ]
    assert entry.detail["preset"] == "direct_sales"
    assert len(dms(bot)) == 2
    for _, dm in dms(bot):
        said = bot.text_of(dm)
        assert (
            "Direct sales owns the account: Their account manager met them &lt;in&gt; May." in said
        )
    bot.slack.assert_clean()


def test_a_preset_reason_alone_is_enough_but_other_needs_words(bot: Bot) -> None:
    request = request_review(bot)
    shown = card(bot, request.id or 0)
    open_reject_modal(bot, "UREV1", shown)
    refused = bot.driver.submit_view("UREV1", {"Reason": "Other"})
    assert refused.json["response_action"] == "errors"
    assert list(refused.json["errors"]) == ["details"]
    assert registration(bot, request.id or 0).status is Status.PENDING_REVIEW

    assert bot.driver.submit_view("UREV1", {"Reason": "Insufficient justification"}).json is None
    rejected = decided(bot, request.id or 0)
    assert rejected.decision_note == "Insufficient justification."
    for _, dm in dms(bot):
        assert "Insufficient justification." in bot.text_of(dm)
    bot.slack.assert_clean()


def test_a_forged_preset_is_refused_under_the_field(bot: Bot) -> None:
    request = request_review(bot)
    shown = card(bot, request.id or 0)
    modal = open_reject_modal(bot, "UREV1", shown)
    forged = {"value": "approve_instead", "text": {"type": "plain_text", "text": "x"}}
    refused = bot.driver.submit_view("UREV1", {"Reason": forged}, check=False)
    assert refused.json == {"response_action": "errors", "errors": {"reason": "Choose a reason."}}
    assert registration(bot, request.id or 0).status is Status.PENDING_REVIEW
    assert modal["callback_id"] == bot.modal("UREV1")["callback_id"]
