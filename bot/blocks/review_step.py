"""The review step: the facts the rules decided on, read-only, and the justification first.

The customer travels in the view's private_metadata, so what is sent to the reviewers is what
was decided on; changing a fact means "Edit details", which goes back to the form and runs the
rules again.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.blocks import limits
from bot.blocks.kit import actions, button, context, customer_fields, modal, reason_lines, section
from bot.blocks.kit import text_input as text_input
from bot.blocks.message import Block
from bot.blocks.preregister import (
    JUSTIFICATION,
    JUSTIFICATION_MAX,
    NOTES,
    NOTES_MAX,
    PREREGISTER_REVIEW,
    FormValues,
)
from bot.domain.model import Customer, Reason

EDIT_DETAILS = "edit_details"
TITLE = "Request review"
METADATA_FIELDS = ("name", "email", "mobile", "country", "industry")


def review_step_modal(
    customer: Customer, reasons: Sequence[Reason], justification: str | None = None
) -> dict[str, Any]:
    blocks: list[Block] = [
        section(f"*This customer needs a reviewer's decision.*\n{reason_lines(reasons)}"),
        text_input(
            JUSTIFICATION,
            "Justification",
            justification,
            max_length=JUSTIFICATION_MAX,
            optional=False,
            multiline=True,
            placeholder="Why should this customer be yours? What have you done together so far?",
        ),
        section("*The customer, as the rules saw it*"),
        customer_fields(customer),
        actions(button(EDIT_DETAILS, "Edit details"), block_id=EDIT_DETAILS),
        context("To change any of these, edit the details: the rules then run again."),
        text_input(NOTES, "Notes", customer.notes, max_length=NOTES_MAX, multiline=True),
    ]
    return modal(
        PREREGISTER_REVIEW,
        TITLE,
        blocks,
        submit="Request review",
        metadata=customer_metadata(customer),
    )


def customer_metadata(customer: Customer) -> str:
    """The decided facts, compact; the notes stay an input (they decide nothing)."""
    data = {key: getattr(customer, key) for key in METADATA_FIELDS}
    data["name"] = customer.name
    text = json.dumps({k: v for k, v in data.items() if v is not None}, separators=(",", ":"))
    assert len(text) <= limits.PRIVATE_METADATA, "the form's limits keep this under Slack's"
    return text


def form_again(
    metadata: dict[str, Any], notes: str | None, justification: str | None
) -> FormValues:
    """The form as the partner left it, to edit the details."""
    return FormValues(
        country=str(metadata.get("country") or ""),
        customer_name=metadata.get("name"),
        email=metadata.get("email"),
        mobile=metadata.get("mobile"),
        industry=metadata.get("industry"),
        notes=notes,
        justification=justification,
    )
