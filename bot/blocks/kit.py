"""Block Kit pieces every builder shares: text objects, sections, inputs, modals, the customer."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.blocks import limits
from bot.blocks.countries import country_name
from bot.blocks.message import Block
from bot.blocks.text import clip, escape_clip, partner_reason
from bot.domain.model import Customer, Reason

VALUE = "value"  # action_id of every input element: state.values[block_id]["value"]

TITLE_LIMIT = limits.TITLE
FIELD_LIMIT = limits.FIELD
NONE_GIVEN = "—"


def plain(text: str, limit: int = limits.PLAIN) -> dict[str, Any]:
    """A plain_text object: safe for anything a user typed (Slack parses nothing in it).
    Emoji shortcodes show as emoji, Slack's default for plain_text."""
    return {"type": "plain_text", "text": clip(text, limit) or NONE_GIVEN}


def mrkdwn(text: str) -> dict[str, Any]:
    """A mrkdwn object: only our own words, or user text passed through escape()."""
    return {"type": "mrkdwn", "text": text}


SECTION_LIMIT = limits.SECTION
HEADER_LIMIT = limits.HEADER


def section(text: str) -> Block:
    return {"type": "section", "text": mrkdwn(clip(text, SECTION_LIMIT))}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, HEADER_LIMIT)}


def context(*texts: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(t) for t in texts]}


def modal(
    callback_id: str,
    title: str,
    blocks: list[Block],
    *,
    submit: str | None = None,
    close: str = "Cancel",
    metadata: str | None = None,
) -> dict[str, Any]:
    """`metadata` (private_metadata) comes back with the submission: what the modal is about."""
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(title, TITLE_LIMIT),
        "close": plain(close, TITLE_LIMIT),
        "blocks": blocks,
    }
    if submit is not None:
        view["submit"] = plain(submit, TITLE_LIMIT)
    if metadata is not None:
        view["private_metadata"] = metadata
    return view


def one_text_modal(
    callback_id: str,
    title: str,
    intro: list[Block],
    block_id: str,
    label: str,
    *,
    max_length: int,
    hint: str | None = None,
    submit: str,
    about: int | None,
) -> dict[str, Any]:
    """A modal about one record (`about`, its id, comes back as metadata) that asks for one
    required text: what bot/handlers/modals.py `submits_text` reads."""
    asked = text_input(
        block_id, label, max_length=max_length, optional=False, multiline=True, hint=hint
    )
    return modal(callback_id, title, [*intro, asked], submit=submit, metadata=str(about))


def _input(
    block_id: str,
    label: str,
    element: dict[str, Any],
    *,
    optional: bool,
    hint: str | None,
) -> Block:
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, limits.LABEL),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint, limits.LABEL)
    return block


def text_input(
    block_id: str,
    label: str,
    initial: str | None = None,
    *,
    max_length: int,
    optional: bool = True,
    multiline: bool = False,
    placeholder: str | None = None,
    hint: str | None = None,
) -> Block:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": VALUE,
        "max_length": max_length,
    }
    if multiline:
        element["multiline"] = True
    if initial:
        element["initial_value"] = clip(initial, max_length)
    if placeholder:
        element["placeholder"] = plain(placeholder, 150)
    return _input(block_id, label, element, optional=optional, hint=hint)


def email_input(
    block_id: str,
    label: str,
    initial: str | None = None,
    *,
    optional: bool = True,
    placeholder: str | None = None,
    hint: str | None = None,
) -> Block:
    element: dict[str, Any] = {"type": "email_text_input", "action_id": VALUE}
    if initial:
        element["initial_value"] = initial
    if placeholder:
        element["placeholder"] = plain(placeholder, 150)
    return _input(block_id, label, element, optional=optional, hint=hint)


def field(label: str, value: str | None) -> dict[str, Any]:
    """One section field: our bold label over the user's value, escaped."""
    shown = escape_clip(value, FIELD_LIMIT - len(label) - 3) if value else NONE_GIVEN
    return mrkdwn(f"*{label}*\n{shown}")


def customer_fields(customer: Customer) -> Block:
    """The customer as the partner typed it (normalized), safe to show."""
    return {
        "type": "section",
        "fields": [
            field("Customer", customer.name),
            field("Country / region", country_name(customer.country)),
            field("Email", customer.email),
            field("Mobile", customer.mobile),
        ],
    }


def reason_lines(reasons: Iterable[Reason]) -> str:
    """Each reason once, in the partner's words, as bullets. Evidence is never shown."""
    words = dict.fromkeys(partner_reason(r) for r in reasons)
    return "\n".join(f"• {w}" for w in words)


def button(
    action_id: str,
    text: str,
    value: object | None = None,
    *,
    primary: bool = False,
    danger: bool = False,
) -> dict[str, Any]:
    """A button; `value` (a registration id, say) is what the handler parses back."""
    element: dict[str, Any] = {
        "type": "button",
        "action_id": action_id,
        "text": plain(text, limits.BUTTON_TEXT),
    }
    if value is not None:
        element["value"] = str(value)
    if primary:
        element["style"] = "primary"
    elif danger:
        element["style"] = "danger"
    return element


def actions(*elements: dict[str, Any], block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements)}
    if block_id is not None:
        block["block_id"] = block_id
    return block
