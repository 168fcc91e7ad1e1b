"""How much of a partner's justification the review card shows before it says "more"."""

from __future__ import annotations

PREVIEW_LINES = 4
PREVIEW_CHARS = 300


def preview(text: str) -> str | None:
    """The first few lines when the whole text is longer; None when it fits as it is."""
    body = text.strip()
    lines = body.splitlines()
    if len(lines) <= PREVIEW_LINES and len(body) <= PREVIEW_CHARS:
        return None
    cut = "\n".join(lines[:PREVIEW_LINES])
    if len(cut) > PREVIEW_CHARS:
        cut = cut[:PREVIEW_CHARS].rsplit(" ", 1)[0] or cut[:PREVIEW_CHARS]
    return cut.rstrip() + " …"
