"""The next step offered after every answer: buttons and what they carry.

After a pre-registration: Pre-register another. After a refusal: Edit details (the form again
with what was typed) and Pre-register another. At the quota: Open my customers. After an expiry
or a rejection: Pre-register again (the form with the customer's details).
"""

from __future__ import annotations

import json
from typing import Any

from bot.blocks.kit import actions, button
from bot.blocks.message import Block
from bot.blocks.preregister import FormValues

ANOTHER = "next_preregister_another"
EDIT_TYPED = "next_edit_details"
OPEN_LIST = "next_open_list"
AGAIN = "next_preregister_again"

TYPED_FIELDS = ("customer_name", "email", "mobile", "country", "industry")


def another_button() -> dict[str, Any]:
    return button(ANOTHER, "Pre-register another")


def after_refusal(typed: FormValues) -> Block:
    """What was typed travels in the button (notes aside: they can be long and decide nothing)."""
    carried = {k: getattr(typed, k) for k in TYPED_FIELDS if getattr(typed, k)}
    value = json.dumps(carried, separators=(",", ":"))[:2000]
    return actions(
        button(EDIT_TYPED, "Edit details", value, primary=True), another_button(), block_id="next"
    )


def after_registration() -> Block:
    return actions(another_button(), block_id="next")


def open_list() -> Block:
    return actions(button(OPEN_LIST, "Open my customers", primary=True), block_id="next")


def again(registration_id: int | None) -> Block:
    return actions(
        button(AGAIN, "Pre-register again", registration_id, primary=True), block_id="next"
    )


def typed_from(value: str | None, fallback_country: str) -> FormValues:
    """The form values an Edit details button carried; anything unreadable is left empty."""
    try:
        data = json.loads(value or "{}")
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    text = {k: str(data[k])[:320] for k in TYPED_FIELDS if isinstance(data.get(k), str)}
    return FormValues(
        country=text.get("country") or fallback_country,
        customer_name=text.get("customer_name"),
        email=text.get("email"),
        mobile=text.get("mobile"),
        industry=text.get("industry"),
    )
