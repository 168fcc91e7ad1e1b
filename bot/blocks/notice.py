"""A message shown inside a modal, for answers that arrive where the partner is typing."""

from __future__ import annotations

from typing import Any

from bot.blocks.message import Message
from bot.blocks.text import clip

NOTICE = "notice"


def notice_modal(title: str, message: Message) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": NOTICE,
        "title": {"type": "plain_text", "text": clip(title, 24)},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": message.blocks
        or [{"type": "section", "text": {"type": "mrkdwn", "text": message.text}}],
    }
