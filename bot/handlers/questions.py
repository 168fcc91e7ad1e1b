"""Need more info: the card's third button and the reviewer's question; the partner's Reply
button and answer. Every click re-checks who may do it and whether it still applies."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

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
from bot.handlers import payloads
from bot.handlers.modals import opens_modal, typed_text
from bot.handlers.refusals import answered
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


need_info_clicked = opens_modal(
    lambda user, registration_id, services: ask_modal(
        check_can_ask(CheckCanAsk(user, registration_id), services)
    )
)


@answered
def question_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Context
) -> None:
    asking = "Ask the partner something."
    question = typed_text(ack, view, QUESTION_BLOCK, asking, TEXT_MAX, too_long=asking)
    if question is None:
        return
    ask_partner(AskPartner(payloads.user_of(body), payloads.metadata_id(view), question), services)
    ack()


reply_clicked = opens_modal(
    lambda user, registration_id, services: answer_modal(
        check_can_answer(CheckCanAnswer(user, registration_id), services)
    )
)


@answered
def answer_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Context
) -> None:
    asking = "Write your answer here."
    answer = typed_text(ack, view, ANSWER_BLOCK, asking, TEXT_MAX, too_long=asking)
    if answer is None:
        return
    cmd = AnswerQuestion(payloads.user_of(body), payloads.metadata_id(view), answer)
    registration = answer_question(cmd, services)
    ack(response_action="update", view=answer_sent_modal(registration))
