"""The reject modal: a preset reason, and words of the reviewer's own for the partner."""

from __future__ import annotations

from typing import Any

from bot.blocks.kit import VALUE, modal, plain, text_input
from bot.domain.model import Registration

REJECT_MODAL = "reject_reason"
REASON_BLOCK = "reason"
DETAILS_BLOCK = "details"
REASON_MAX_LENGTH = 2000
OTHER = "other"

PRESETS: dict[str, str] = {
    "duplicate": "Duplicate of another registration",
    "direct_sales": "Direct sales owns the account",
    "insufficient": "Insufficient justification",
    OTHER: "Other",
}
"""Preset code → the words the partner reads."""


def reject_modal(registration: Registration) -> dict[str, Any]:
    """Asks the reviewer why; the registration id travels in private_metadata."""
    if registration.id is None:
        raise ValueError("a registration needs an id before reviewers can see it")
    name = registration.customer.name
    options = [{"text": plain(words, 75), "value": code} for code, words in PRESETS.items()]
    return modal(
        REJECT_MODAL,
        "Reject request",
        [
            {"type": "section", "text": plain(f"Reject the review request for {name}?")},
            {
                "type": "input",
                "block_id": REASON_BLOCK,
                "label": plain("Reason"),
                "optional": False,
                "element": {"type": "radio_buttons", "action_id": VALUE, "options": options},
            },
            text_input(
                DETAILS_BLOCK,
                "Details for the partner",
                max_length=REASON_MAX_LENGTH,
                multiline=True,
                placeholder="What should the partner know?",
                hint="Needed for Other. The partner's users receive the reason and these words.",
            ),
        ],
        submit="Reject",
        metadata=str(registration.id),
    )


def rejection_note(preset: str, details: str | None) -> str:
    """What the partner reads: the preset's words, then the reviewer's own."""
    details = (details or "").strip()
    if preset == OTHER:
        return details
    words = PRESETS[preset]
    return f"{words}: {details}" if details else f"{words}."
