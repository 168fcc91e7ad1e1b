"""What lands in a review card's thread: the whole justification, and the exchange with the
partner when a reviewer needs more information. Everything typed is shown inert."""

from __future__ import annotations

from typing import Any

from bot.blocks import limits
from bot.blocks.kit import context, mrkdwn, section
from bot.blocks.message import Message
from bot.blocks.text import clip, escape_clip, slack_date, user_ref
from bot.domain.justification import preview
from bot.domain.model import Registration, Status

SECTION_LIMIT = limits.SECTION


def justification_in_full(registration: Registration) -> Message:
    """The thread reply under the card holding the whole justification the card cut short."""
    text = (registration.justification or "").strip()
    if not text or preview(text) is None:
        raise ValueError(f"registration {registration.id} has no justification to show in full")
    head = "*Justification in full*\n"
    body = escape_clip(text, SECTION_LIMIT - len(head))
    return Message(
        text=f"Justification in full: {escape_clip(text, 200)}",
        blocks=[{"type": "section", "text": mrkdwn(head + body)}],
    )


def question_in_thread(payload: dict[str, Any]) -> Message:
    who = user_ref(str(payload.get("reviewer") or ""), unknown="A reviewer")
    words = f"❓ {who} asked the partner:\n" + _quoted(payload.get("question"))
    return Message(
        clip(f"Asked the partner: {_plain(payload.get('question'))}", 3000),
        [
            section(words),
            context("⏸ The deadline is paused until the partner answers."),
        ],
    )


def answer_in_thread(payload: dict[str, Any], registration: Registration) -> Message:
    who = user_ref(str(payload.get("user") or ""), unknown="The partner")
    words = f"💬 {who} answered:\n" + _quoted(payload.get("answer"))
    due = registration.review_due
    back = "▶️ Back in the queue."
    if registration.status is Status.PENDING_REVIEW and due is not None:
        back += f" Answer by {slack_date(due)}."
    return Message(
        clip(f"The partner answered: {_plain(payload.get('answer'))}", 3000),
        [
            section(words),
            context(back),
        ],
    )


def _quoted(text: object) -> str:
    return "> " + escape_clip(str(text or ""), limits.SECTION - 200).replace("\n", "\n> ")


def _plain(text: object) -> str:
    return escape_clip(str(text or ""), 200)
