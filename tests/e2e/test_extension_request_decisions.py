"""A requested extension approved extends from the current end; rejected with a reason, it keeps
the end."""

from __future__ import annotations

from bot.blocks.extension_requests import APPROVE_EXTENSION, REJECT_EXTENSION
from bot.domain.model import Status
from tests.e2e.conftest import REVIEW_CHANNEL, Bot
from tests.e2e.extension_request_steps import extended_once, labels, reminder, request
from tests.e2e.review_steps import EVIL, ephemeral_for, mrkdwn_of
from tests.e2e.rows import registration, settle
from tests.e2e.time_steps import ACME_USERS, DAY, buttons, date_of, dms_to

# --------------------------------------------------------------------------


def test_a_requested_extension_approved_extends_from_the_current_end(bot: Bot) -> None:
    held = extended_once(bot)
    assert held.id is not None and held.valid_until is not None
    end, validity = held.valid_until, bot.context.policy.validity
    # The reminder says before the click that a reviewer decides this one.
    assert labels(reminder(bot)) == ["Request an extension"]
    assert date_of(end + validity) in bot.text_of(reminder(bot))

    card = request(bot)
    shown = bot.text_of(card)
    assert "Extension request: Kunde GmbH" in shown
    assert date_of(end) in shown and "Extensions taken" in shown
    assert "The rollout slipped to January." in shown and "Partner's record" in shown
    # Answer by Thursday 10:00: two working days after Tuesday 10:00.
    assert date_of(bot.clock.now + 2 * DAY) in shown
    assert not any("<!channel>" in t or "<@UBETA1>" in t for t in mrkdwn_of(card))
    assert set(labels(card)) == {"Approve extension", "Reject"}
    # While it waits: every reminder copy says so, without a button; held as it was.
    bot.wait_until(
        lambda: all(
            not buttons(dms_to(bot, u)[-1])
            and "Extension requested" in bot.text_of(dms_to(bot, u)[-1])
            for u in ACME_USERS
        )
    )
    assert registration(bot, held.id).valid_until == end

    # A reviewer of the same company may not decide; another reviewer approves.
    assert bot.driver.click("UACME2", message=card, action_id=APPROVE_EXTENSION).status == 200
    assert "can't decide" in ephemeral_for(bot, "UACME2")
    assert bot.driver.click("UREV1", message=card, action_id=APPROVE_EXTENSION).status == 200
    bot.wait_until(lambda: registration(bot, held.id).valid_until == end + validity)
    settle(bot)
    approved = registration(bot, held.id)
    assert approved.status is Status.PREREGISTERED and approved.extension_request is None

    # The card is updated in place; each of the company's users hears it.
    now_card = bot.slack.message(REVIEW_CHANNEL, card["ts"])
    assert "Extension approved by <@UREV1>" in bot.text_of(now_card)
    assert date_of(end + validity) in bot.text_of(now_card) and not buttons(now_card)
    for user in ACME_USERS:
        told = [m for m in dms_to(bot, user) if "Extension approved" in bot.text_of(m)]
        assert len(told) == 1 and date_of(end + validity) in bot.text_of(told[0])
    # The stale card clicked again: already decided, nothing changes.
    assert bot.driver.click("UREV2", message=card, action_id=APPROVE_EXTENSION).status == 200
    assert "already decided" in ephemeral_for(bot, "UREV2")
    assert registration(bot, held.id).valid_until == end + validity
    bot.slack.assert_clean()


def test_a_requested_extension_rejected_with_a_reason_keeps_the_end(bot: Bot) -> None:
    held = extended_once(bot)
    assert held.id is not None and held.valid_until is not None
    end = held.valid_until
    card = request(bot, "UACME2")

    mark = bot.slack.mark()
    assert bot.driver.click("UREV2", message=card, action_id=REJECT_EXTENSION).status == 200
    assert bot.slack.wait_for("views.open", after=mark).ok
    assert "Reason" in bot.text_of(bot.modal("UREV2"))
    empty = bot.driver.submit_view("UREV2", {"Reason": "   "}, check=False)
    assert empty.json["response_action"] == "errors"
    assert bot.driver.submit_view("UREV2", {"Reason": f"Long enough already {EVIL}"}).json is None
    bot.wait_until(lambda: registration(bot, held.id).extension_request is None)
    settle(bot)

    assert registration(bot, held.id).valid_until == end
    now_card = bot.slack.message(REVIEW_CHANNEL, card["ts"])
    assert "Extension rejected by <@UREV2>" in bot.text_of(now_card) and not buttons(now_card)
    for user in ACME_USERS:
        (told,) = [m for m in dms_to(bot, user) if "was rejected" in bot.text_of(m)]
        assert "Long enough already" in bot.text_of(told) and date_of(end) in bot.text_of(told)
        assert not any("<!channel>" in t for t in mrkdwn_of(told))
    bot.slack.assert_clean()
