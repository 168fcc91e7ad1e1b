"""Need more info: the reviewer's question modal, the partner's DM and reply modal, and the
exchange as it lands in the card's thread. Everything typed is shown inert."""

from __future__ import annotations

from typing import Any

from bot.blocks import limits
from bot.blocks.kit import context, modal, one_text_modal, plain, section
from bot.blocks.message import Block, Message
from bot.blocks.text import clip, escape_clip, slack_date, user_ref
from bot.domain.model import Registration, Status
from bot.services.delivery import Obsolete

NEED_INFO = "need_info"  # the card's third button
ASK_MODAL = "ask_partner"
QUESTION_BLOCK = "question"
REPLY = "reply_question"  # the button on the partner's DM
ANSWER_MODAL = "answer_question"
ANSWER_BLOCK = "answer"
TEXT_MAX = 2000
NAME_LIMIT = 200


def ask_modal(registration: Registration) -> dict[str, Any]:
    question = plain(f"What do you need to know about {registration.customer.name}?")
    return one_text_modal(
        ASK_MODAL,
        "Ask the partner",
        [{"type": "section", "text": question}],
        QUESTION_BLOCK,
        "Question for the partner",
        max_length=TEXT_MAX,
        hint="Every user of the partner company gets it by DM. The deadline pauses "
        "until they answer.",
        submit="Ask",
        about=registration.id,
    )


def answer_modal(registration: Registration) -> dict[str, Any]:
    question = registration.question
    asked = question.text if question else ""
    return one_text_modal(
        ANSWER_MODAL,
        "Answer the reviewers",
        [
            {"type": "section", "text": plain(f"About {registration.customer.name}:")},
            {"type": "section", "text": plain(f"“{clip(asked, 2900)}”")},
        ],
        ANSWER_BLOCK,
        "Your answer",
        max_length=TEXT_MAX,
        submit="Send",
        about=registration.id,
    )


def answer_sent_modal(registration: Registration) -> dict[str, Any]:
    due = registration.review_due
    when = f" They answer by {slack_date(due)}." if due is not None else ""
    words = (
        f"✅ Sent. The reviewers see your answer under the request, and its clock runs again.{when}"
    )
    return modal(ANSWER_MODAL + "_sent", "Answer sent", [section(words)], close="Done")


def question_dm(registration: Registration, reminder: bool = False) -> Message:
    """To each of the company's users; obsolete once answered or decided."""
    question = registration.question
    if registration.status is not Status.PENDING_REVIEW or question is None:
        raise Obsolete("the question was answered or the request decided meanwhile")
    name = f"*{escape_clip(registration.customer.name, NAME_LIMIT)}*"
    if reminder:
        headline = f"⏰ Reminder: the reviewers still need your answer about {name}."
    else:
        headline = f"🔎 A reviewer needs more information about {name} before deciding."
    quoted = "> " + escape_clip(question.text, limits.SECTION - 10).replace("\n", "\n> ")
    blocks: list[Block] = [
        section(headline),
        section(quoted),
        context(
            "The review's deadline is paused until you answer. Without an answer by "
            f"{slack_date(question.lapses_at)} the request lapses as rejected."
        ),
        {
            "type": "actions",
            "block_id": "question",
            "elements": [
                {
                    "type": "button",
                    "action_id": REPLY,
                    "text": plain("Reply", 75),
                    "style": "primary",
                    "value": str(registration.id),
                }
            ],
        },
    ]
    text = clip(headline.replace("*", ""), limits.SECTION)
    return Message(text, blocks)


def question_settled(registration: Registration) -> Message:
    """The question's DM once it needs nothing more from the partner: no Reply button."""
    name = f"*{escape_clip(registration.customer.name, NAME_LIMIT)}*"
    if registration.status is Status.PENDING_REVIEW:
        line = f"✅ Answered: the reviewers have your answer about {name} and decide next."
    elif registration.status is Status.REJECTED:
        line = f"No answer is needed any more: the review request for {name} has been rejected."
    elif registration.decided_by is not None:
        line = f"No answer is needed any more: the review request for {name} has been approved."
    else:
        line = f"No answer is needed any more about {name}."
    return Message(clip(line.replace("*", ""), limits.SECTION), [section(line)])


def waiting_line(registration: Registration) -> str | None:
    """On the card while a question waits: since when, and what was asked."""
    question = registration.question
    if question is None:
        return None
    asked = escape_clip(question.text, 1500)
    return (
        f"⏸ *Waiting on the partner* since {slack_date(question.asked_at)} —"
        f" asked by {user_ref(question.asked_by, unknown='a reviewer')}: {asked}\n"
        f"The deadline is paused; without an answer the request lapses"
        f" {slack_date(question.lapses_at)}."
    )
