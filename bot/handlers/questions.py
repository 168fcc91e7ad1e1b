"""Need more info: the card's third button and the reviewer's question; the partner's Reply
button and answer. Every click re-checks who may do it and whether it still applies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App

from bot.blocks.questions import (
    ANSWER_BLOCK,
    ANSWER_MODAL,
    ASK_MODAL,
    NEED_INFO,
    QUESTION_BLOCK,
    REPLY,
    TEXT_MAX,
    answer_modal,
    answer_sent_modal,
    ask_modal,
)
from bot.handlers.modals import Listener, TextSubmitted, checked_view, opens_modal, submits_text
from bot.services.context import Context
from bot.services.questions import (
    AnswerQuestion,
    AskPartner,
    CheckCanAnswer,
    CheckCanAsk,
    answer_question,
    ask_partner,
    check_can_answer,
    check_can_ask,
)


def register(app: App) -> None:
    app.action(NEED_INFO)(need_info_clicked)
    app.view(ASK_MODAL)(question_submitted)
    app.action(REPLY)(reply_clicked)
    app.view(ANSWER_MODAL)(answer_submitted)


def exchange_text(block_id: str, prompt: str) -> Callable[[TextSubmitted], Listener]:
    """The question and the answer keep one rule: up to TEXT_MAX, and the prompt again when
    the text is empty or too long."""
    return submits_text(block_id, prompt, TEXT_MAX, too_long=prompt)


need_info_clicked = opens_modal(checked_view(check_can_ask, CheckCanAsk, ask_modal))


@exchange_text(QUESTION_BLOCK, "Ask the partner something.")
def question_submitted(
    user: str, registration_id: int, question: str, services: Context
) -> dict[str, Any] | None:
    ask_partner(AskPartner(user, registration_id, question), services)
    return None


reply_clicked = opens_modal(checked_view(check_can_answer, CheckCanAnswer, answer_modal))


@exchange_text(ANSWER_BLOCK, "Write your answer here.")
def answer_submitted(
    user: str, registration_id: int, answer: str, services: Context
) -> dict[str, Any] | None:
    registration = answer_question(AnswerQuestion(user, registration_id, answer), services)
    return answer_sent_modal(registration)
