"""Need more info over real HTTP: the reviewer asks, the partner answers by DM, the review's
clock pauses and resumes on the working-day calendar, and an unanswered question lapses."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.domain.model import Status
from bot.scheduler import lapse_questions, remind
from tests.e2e.conftest import REVIEW_CHANNEL, Bot
from tests.e2e.review_steps import (
    EVIL,
    buttons,
    card,
    dms,
    ephemeral_for,
    mrkdwn_of,
    outbox_kinds,
    request_review,
)
from tests.e2e.rows import registration, settle

ACME_USERS = ["UACME1", "UACME2"]


def current_card(bot: Bot) -> dict[str, Any]:
    (shown,) = [m for m in bot.slack.messages(REVIEW_CHANNEL) if "thread_ts" not in m]
    return shown


def thread(bot: Bot, card_ts: str) -> list[str]:
    return [
        bot.text_of(m)
        for m in bot.slack.messages(REVIEW_CHANNEL)
        if m.get("thread_ts") == card_ts and m["ts"] != card_ts
    ]


def ask(bot: Bot, reviewer: str, question: str) -> dict[str, Any]:
    """Click Need more info on the card and submit the question; the card as it is then."""
    request_id = _only_request(bot)
    shown = card(bot, request_id)
    mark = bot.slack.mark()
    assert bot.driver.click(reviewer, message=shown, text="Need more info").status == 200
    assert bot.slack.wait_for("views.open", after=mark).ok
    assert "Question for the partner" in bot.text_of(bot.modal(reviewer))
    assert bot.driver.submit_view(reviewer, {"Question for the partner": question}).json is None
    bot.wait_until(lambda: registration(bot, request_id).question is not None)
    settle(bot)
    return shown


def question_dms(bot: Bot) -> list[tuple[str, dict[str, Any]]]:
    return [(user, dm) for user, dm in dms(bot) if "Reply" in buttons(dm)]


def _only_request(bot: Bot) -> int:
    with bot.context.uow() as uow:
        (request,) = uow.registrations.all()
    assert request.id is not None
    return request.id


def at(bot: Bot, moment: datetime) -> None:
    bot.clock.now = moment


# --------------------------------------------------------------------------


def test_the_question_reaches_the_partner_and_the_answer_resumes_the_clock(bot: Bot) -> None:
    request = request_review(bot)  # Wednesday 10:00, answer due Friday 10:00
    assert request.id is not None and request.review_due is not None
    wednesday = bot.clock.now
    assert request.review_due == wednesday + timedelta(days=2)
    bot.clock.advance(timedelta(days=1))  # Thursday 10:00: one working day left

    shown = ask(bot, "UREV1", f"Which project is this for? {EVIL}")

    asked = registration(bot, request.id)
    assert asked.status is Status.PENDING_REVIEW and asked.question is not None
    assert asked.review_due == request.review_due  # unchanged while paused
    # The card: waiting on the partner, the clock paused, one question at a time.
    now_shown = current_card(bot)
    assert now_shown["ts"] == shown["ts"]
    text = bot.text_of(now_shown)
    assert "Waiting on the partner" in text and "Clock paused" in text and "Answer by" not in text
    assert set(buttons(now_shown)) == {"Approve", "Reject"}
    # The thread: the question, inert.
    (in_thread,) = thread(bot, shown["ts"])
    assert "<@UREV1> asked the partner" in in_thread and "Which project is this for?" in in_thread
    # Every user of the company: a DM with the question and a Reply button.
    assert sorted(user for user, _ in question_dms(bot)) == ACME_USERS
    for _, dm in question_dms(bot):
        assert "Which project is this for?" in bot.text_of(dm)
    for surface in [now_shown, *(dm for _, dm in question_dms(bot))]:
        assert not any("<!channel>" in t or "<@UBETA1>" in t for t in mrkdwn_of(surface))

    # Friday 10:00 would have been the deadline: paused, nobody is chased as overdue.
    at(bot, wednesday + timedelta(days=2, minutes=1))
    remind(bot.runtime)
    settle(bot)
    assert "review_overdue" not in [kind for kind, _, _ in outbox_kinds(bot)]

    # Monday 10:00 the partner answers from the DM.
    monday = wednesday + timedelta(days=5)
    at(bot, monday)
    (_, dm) = question_dms(bot)[0]
    (_, other_dm) = next((u, d) for u, d in question_dms(bot) if u == "UACME2")  # kept as seen
    mark = bot.slack.mark()
    assert bot.driver.click("UACME1", message=dm, text="Reply").status == 200
    assert bot.slack.wait_for("views.open", after=mark).ok
    assert "Which project is this for?" in bot.text_of(bot.modal("UACME1"))
    reply = bot.driver.submit_view("UACME1", {"Your answer": "The Lyon migration <b>pilot</b>."})
    assert reply.json["response_action"] == "update"
    assert "Sent" in bot.text_of(bot.modal("UACME1"))
    settle(bot)

    answered = registration(bot, request.id)
    assert answered.question is None and answered.status is Status.PENDING_REVIEW
    # One working day was left on Thursday: it resumes Monday, so it is due Tuesday 10:00.
    assert answered.review_due == monday + timedelta(days=1)
    back = current_card(bot)
    assert f"<!date^{int((monday + timedelta(days=1)).timestamp())}^" in bot.text_of(back)
    assert "Waiting on the partner" not in bot.text_of(back)
    assert set(buttons(back)) == {"Approve", "Reject", "Need more info"}
    _question_line, answer_line = thread(bot, shown["ts"])
    assert "<@UACME1> answered" in answer_line
    assert "The Lyon migration &lt;b&gt;pilot&lt;/b&gt;." in answer_line
    assert "Back in the queue" in answer_line
    # The DMs were updated in place: no Reply button left. A second user replying from the
    # copy as it was before is told it was answered.
    bot.wait_until(lambda: question_dms(bot) == [])
    assert bot.driver.click("UACME2", message=other_dm, text="Reply").status == 200
    assert "already answered" in ephemeral_for(bot, "UACME2")
    bot.slack.assert_clean()


def test_an_unanswered_question_is_reminded_once_then_lapses_as_rejected(bot: Bot) -> None:
    request = request_review(bot)  # Wednesday 10:00
    assert request.id is not None
    wednesday = bot.clock.now
    ask(bot, "UREV1", "Who is your contact there?")
    question = registration(bot, request.id).question
    assert question is not None
    # PREREG_REVIEW_SLA_DAYS=2 working days to the reminder, as many again to the lapse.
    assert question.remind_at == wednesday + timedelta(days=2)  # Friday
    assert question.lapses_at == wednesday + timedelta(days=6)  # Tuesday, past the weekend

    at(bot, question.remind_at - timedelta(minutes=1))
    assert remind(bot.runtime) == 0
    at(bot, question.remind_at)
    assert remind(bot.runtime) == 1
    assert remind(bot.runtime) == 0  # once
    settle(bot)
    reminders = [(u, d) for u, d in question_dms(bot) if "Reminder" in bot.text_of(d)]
    assert sorted(u for u, _ in reminders) == ACME_USERS

    (_, before_lapse) = question_dms(bot)[0]  # the copy as it was, with its Reply button
    at(bot, question.lapses_at - timedelta(minutes=1))
    assert lapse_questions(bot.runtime) == 0
    at(bot, question.lapses_at)
    assert lapse_questions(bot.runtime) == 1
    assert lapse_questions(bot.runtime) == 0
    settle(bot)

    lapsed = registration(bot, request.id)
    assert lapsed.status is Status.REJECTED and lapsed.question is None
    assert lapsed.decision_note is not None and "unanswered for 4 working days" in (
        lapsed.decision_note
    )
    assert "Rejected" in bot.text_of(current_card(bot)) and buttons(current_card(bot)) == {}
    decisions = [(u, d) for u, d in dms(bot) if "was rejected" in bot.text_of(d)]
    assert sorted(u for u, _ in decisions) == ACME_USERS
    for _, dm in decisions:
        assert "unanswered for 4 working days" in bot.text_of(dm)
    # The DMs lost their Reply button; a Reply on the copy as it was tells the truth.
    bot.wait_until(lambda: question_dms(bot) == [])
    assert bot.driver.click("UACME1", message=before_lapse, text="Reply").status == 200
    assert "already decided" in ephemeral_for(bot, "UACME1")
    bot.slack.assert_clean()


def test_who_may_ask_and_answer_and_one_question_at_a_time(bot: Bot) -> None:
    request = request_review(bot)
    assert request.id is not None
    shown = card(bot, request.id)
    # Not a reviewer; or a reviewer of the requesting company: refused, no modal.
    for user in ("UBETA1", "UACME2"):
        assert bot.driver.click(user, message=shown, text="Need more info").status == 200
        assert "can" in ephemeral_for(bot, user)
    assert bot.slack.calls("views.open") == []

    ask(bot, "UREV1", "Who is your contact there?")
    # The stale copy of the card still has the button: a second question is refused.
    assert bot.driver.click("UREV2", message=shown, text="Need more info").status == 200
    assert "one question at a time" in ephemeral_for(bot, "UREV2")
    # Another company's user pressing a forwarded Reply learns nothing.
    (_, dm) = question_dms(bot)[0]
    assert bot.driver.click("UBETA1", message=dm, text="Reply").status == 200
    bot.wait_until(lambda: len(bot.slack.ephemerals("UBETA1")) == 2)
    assert "not one of your company's" in bot.text_of(bot.slack.ephemerals("UBETA1")[-1])
    # An empty answer or question stays in the modal with an error under the field.
    assert bot.driver.click("UACME1", message=dm, text="Reply").status == 200
    bot.wait_until(lambda: bot.slack.current_modal("UACME1") is not None)
    refused = bot.driver.submit_view("UACME1", {"Your answer": "   "}, check=False)
    assert refused.json == {
        "response_action": "errors",
        "errors": {"answer": "Write your answer here."},
    }
    assert registration(bot, request.id).question is not None
    bot.slack.assert_clean()
