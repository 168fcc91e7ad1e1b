"""Need more info, followed up: the question's DMs are updated in place once answered or lapsed
(no live Reply button is left), and the halfway review reminder is posted once even though the
answer moves the deadline (the working-day calendar, the test clock)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.adapters.orm import OutboxRow
from bot.domain.model import Status
from bot.scheduler import lapse_questions
from tests.e2e.conftest import Bot
from tests.e2e.review_steps import buttons, request_review
from tests.e2e.rows import registration, settle
from tests.e2e.test_need_info import ask
from tests.e2e.time_steps import ACME_USERS, DAY, at

HOUR = timedelta(hours=1)


def question_copies(bot: Bot) -> dict[str, list[dict[str, Any]]]:
    """Each company user's DMs that carried the question, as they read now."""
    with bot.reading() as session:
        rows = session.scalars(
            select(OutboxRow).where(OutboxRow.kind.in_(("question", "question_reminder")))
        )
        sent = [(row.recipient, row.result) for row in rows if row.status == "sent"]
    copies: dict[str, list[dict[str, Any]]] = {user: [] for user in ACME_USERS}
    for user, result in sent:
        copies[user].append(bot.slack.message(result["channel"], result["ts"]))
    return copies


def answer(bot: Bot, user: str, words: str) -> None:
    (dm, *_) = question_copies(bot)[user]
    assert bot.driver.click(user, message=dm, text="Reply").status == 200
    bot.wait_until(lambda: bot.slack.current_modal(user) is not None)
    reply = bot.driver.submit_view(user, {"Your answer": words})
    assert reply.json["response_action"] == "update"
    settle(bot)


def chases(bot: Bot, kind: str) -> int:
    with bot.reading() as session:
        return len(list(session.scalars(select(OutboxRow.id).where(OutboxRow.kind == kind))))


def test_the_question_dms_lose_their_reply_button_once_answered(bot: Bot) -> None:
    request = request_review(bot)
    assert request.id is not None
    ask(bot, "UREV1", "Which project is this for?")
    before = question_copies(bot)
    assert all("Reply" in buttons(dm) for dms in before.values() for dm in dms)

    answer(bot, "UACME1", "The Lyon pilot.")
    bot.wait_until(
        lambda: all(
            not buttons(dm) and "Answered" in bot.text_of(dm)
            for dms in question_copies(bot).values()
            for dm in dms
        )
    )
    after = question_copies(bot)
    for user in ACME_USERS:  # the same messages, updated in place
        assert [m["ts"] for m in after[user]] == [m["ts"] for m in before[user]]
    # A stale copy's Reply (from before the update) still tells the truth.
    stale = before["UACME2"][0]
    assert bot.driver.click("UACME2", message=stale, text="Reply").status == 200
    bot.wait_until(lambda: bool(bot.slack.ephemerals("UACME2")))
    assert "already answered" in bot.text_of(bot.slack.ephemerals("UACME2")[-1])
    bot.slack.assert_clean()


def test_the_question_dms_and_the_reminder_lose_their_reply_button_once_lapsed(bot: Bot) -> None:
    request = request_review(bot)
    assert request.id is not None
    ask(bot, "UREV1", "Who is your contact there?")
    question = registration(bot, request.id).question
    assert question is not None
    at(bot, question.remind_at)  # the reminder: a second DM with a Reply button
    assert all(len(dms) == 2 for dms in question_copies(bot).values())
    at(bot, question.lapses_at)
    lapse_questions(bot.runtime)
    settle(bot)
    assert registration(bot, request.id).status is Status.REJECTED
    bot.wait_until(
        lambda: all(
            not buttons(dm) and "rejected" in bot.text_of(dm)
            for dms in question_copies(bot).values()
            for dm in dms
        )
    )
    bot.slack.assert_clean()


def test_the_halfway_reminder_is_posted_once_when_a_question_moves_the_deadline(bot: Bot) -> None:
    request = request_review(bot)  # Wednesday 10:00, due Friday 10:00, halfway Thursday 10:00
    assert request.id is not None and request.review_due is not None
    wednesday = bot.clock.now
    at(bot, wednesday + DAY)  # Thursday 10:00: halfway, posted
    assert chases(bot, "review_halfway") == 1
    at(bot, wednesday + DAY + HOUR)
    ask(bot, "UREV1", "Which project is this for?")
    monday = wednesday + 5 * DAY
    at(bot, monday)
    answer(bot, "UACME1", "The Lyon pilot.")
    resumed = registration(bot, request.id)
    assert resumed.review_due is not None and resumed.review_due > monday
    # Every tick up to the new deadline and past it: halfway never again, overdue once.
    moment = monday
    while moment <= resumed.review_due + DAY:
        moment += 2 * HOUR
        at(bot, moment)
    assert chases(bot, "review_halfway") == 1
    assert chases(bot, "review_overdue") == 1
    bot.slack.assert_clean()
