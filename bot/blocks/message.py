"""A message as Slack takes it: fallback text for notifications, and blocks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.blocks.text import plain_words

Block = dict[str, Any]


@dataclass(frozen=True)
class Message:
    text: str
    """The notification fallback: always plain words (bot.blocks.text.plain_words)."""
    blocks: list[Block] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Every builder's fallback reads as words, whatever markup it was written with.
        object.__setattr__(self, "text", plain_words(self.text))

    def as_kwargs(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}
