"""Extensions through review: the partner's request modal and the reviewer's reject modal.
Everything typed is shown as plain_text; handlers rely on the ids in
bot/blocks/extension_requests.py."""

from __future__ import annotations

from typing import Any

from bot.blocks.extension_requests import (
    JUSTIFICATION,
    JUSTIFICATION_MAX,
    REASON_BLOCK,
    REASON_MAX,
    REJECT_MODAL,
    REQUEST_LABEL,
    REQUEST_MODAL,
    name_of,
)
from bot.blocks.kit import modal, one_text_modal, plain, section
from bot.blocks.text import duration_words, slack_date
from bot.domain.extension_requests import ExtensionRequest
from bot.domain.model import Registration
from bot.domain.policy import Policy


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"


def request_modal(registration: Registration, policy: Policy) -> dict[str, Any]:
    """Says before anything is typed that a reviewer decides, by when, and what it would give."""
    until = registration.valid_until
    assert until is not None
    days = policy.review_sla_days
    plural = "s" if days != 1 else ""
    intro = (
        f"{name_of(registration)} is reserved for your company until {slack_date(until)}. "
        f"You have extended it yourself {_times(registration.extensions)}, as many times as you"
        f" can; a reviewer decides on one more, within {days} working day{plural}."
        f" Approved, it ends {slack_date(until + policy.validity)}"
        f" ({duration_words(policy.validity)} later). Meanwhile it stays reserved until its"
        " current end; if that comes first, the request lapses."
    )
    return one_text_modal(
        REQUEST_MODAL,
        REQUEST_LABEL,
        [section(intro)],
        JUSTIFICATION,
        "Justification",
        max_length=JUSTIFICATION_MAX,
        hint="Why do you need longer? The reviewers read exactly this.",
        submit="Send request",
        about=registration.id,
    )


def request_sent_modal(asked: ExtensionRequest) -> dict[str, Any]:
    words = (
        "✅ Sent to the reviewers. You'll get a DM with their decision; they answer by"
        f" {slack_date(asked.review_due)}."
    )
    return modal(REQUEST_MODAL + "_sent", "Request sent", [section(words)], close="Done")


def reject_modal(asked: ExtensionRequest, registration: Registration) -> dict[str, Any]:
    question = plain(
        f"Reject the extension of {registration.customer.name}? It then ends on its current date."
    )
    return one_text_modal(
        REJECT_MODAL,
        "Reject extension",
        [{"type": "section", "text": question}],
        REASON_BLOCK,
        "Reason",
        max_length=REASON_MAX,
        hint="The partner's users receive these words.",
        submit="Reject",
        about=asked.id,
    )
