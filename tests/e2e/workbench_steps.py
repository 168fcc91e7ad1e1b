"""What the workbench tests share: the card's sections and a customer held by Beta."""

from __future__ import annotations

from typing import Any


def section_with(shown: dict[str, Any], title: str) -> str:
    (block,) = [
        b
        for b in shown["blocks"]
        if b["type"] == "section" and title in b.get("text", {}).get("text", "")
    ]
    return str(block["text"]["text"])
