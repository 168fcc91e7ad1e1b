"""Need more info: the card's third button and the reviewer's question; the partner's Reply
button and answer. Every click re-checks who may do it and whether it still applies."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

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
from bot.handlers.forms import state_values
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


@answered
def need_info_clicked(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, services: Context
) -> None:
    ack()
    click = payloads.click(body)
    registration = check_can_ask(CheckCanAsk(click.user_id, click.registration_id), services)
    client.views_open(trigger_id=click.trigger_id, view=ask_modal(registration))


@answered
def question_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Context
) -> None:
    question = _text(view, QUESTION_BLOCK)
    if not question or len(question) > TEXT_MAX:
        ack(response_action="errors", errors={QUESTION_BLOCK: "Ask the partner something."})
        return
    ask_partner(AskPartner(payloads.user_of(body), payloads.metadata_id(view), question), services)
    ack()


@answered
def reply_clicked(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, services: Context
) -> None:
    ack()
    click = payloads.click(body)
    registration = check_can_answer(CheckCanAnswer(click.user_id, click.registration_id), services)
    client.views_open(trigger_id=click.trigger_id, view=answer_modal(registration))


@answered
def answer_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Context
) -> None:
    answer = _text(view, ANSWER_BLOCK)
    if not answer or len(answer) > TEXT_MAX:
        ack(response_action="errors", errors={ANSWER_BLOCK: "Write your answer here."})
        return
    cmd = AnswerQuestion(payloads.user_of(body), payloads.metadata_id(view), answer)
    registration = answer_question(cmd, services)
    ack(response_action="update", view=answer_sent_modal(registration))


def _text(view: dict[str, Any], block_id: str) -> str:
    return str(state_values(view).get(block_id) or "").strip()
