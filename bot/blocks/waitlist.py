"""The waiting list in Slack: the button on a refusal, the confirmation, the freed DM.

Only what the partner itself typed is ever shown about the customer; never who held it.
"""

from __future__ import annotations

import json
from typing import Any

from bot.blocks.kit import context, modal, plain, section
from bot.blocks.message import Block, Message
from bot.blocks.text import escape_clip
from bot.domain.model import Customer
from bot.domain.waitlist import LAPSES_AFTER, WaitEntry

JOIN = "waitlist_join"
LEAVE = "waitlist_leave"
PREREGISTER = "waitlist_preregister"
NAME_LIMIT = 200


def customer_value(customer: Customer) -> str:
    """A button's value: the customer as typed (≤ 200 + 320 + 20 characters of data)."""
    data = {"n": customer.name, "c": customer.country, "e": customer.email, "m": customer.mobile}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def join_actions(customer: Customer) -> Block:
    return _actions(
        "waitlist",
        {
            "type": "button",
            "action_id": JOIN,
            "text": plain("Tell me when it frees up", 75),
            "value": customer_value(customer),
        },
    )


def joined_view(entry: WaitEntry) -> dict[str, Any]:
    name = escape_clip(entry.customer.name, NAME_LIMIT)
    blocks = [
        section(
            f":bell: *You're on the waiting list for {name}.*\n"
            "When it frees up you get a DM; partners who asked are told in the order they asked,"
            " and the first to pre-register it then gets it."
        ),
        context(f"The entry lapses after {LAPSES_AFTER.days} days."),
        _actions(
            "waitlist",
            {
                "type": "button",
                "action_id": LEAVE,
                "text": plain("Leave the list", 75),
                "value": str(entry.id),
            },
        ),
    ]
    return modal("waitlist_joined", "On the waiting list", blocks, close="Done")


def left_view() -> dict[str, Any]:
    return modal(
        "waitlist_left",
        "Left the list",
        [section("You left the waiting list: you won't be told when it frees up.")],
        close="Done",
    )


def freed_dm(payload: dict[str, Any]) -> Message:
    """To one waiting partner's user, in its own words for the customer."""
    name = escape_clip(str(payload.get("name") or "The customer"), NAME_LIMIT)
    headline = f"🔔 *{name}* is free again."
    blocks: list[Block] = [
        section(
            f"{headline}\nYou asked to be told. The first partner to pre-register it gets it,"
            " by the usual rules."
        ),
    ]
    if payload.get("customer"):
        blocks.append(
            _actions(
                "freed",
                {
                    "type": "button",
                    "action_id": PREREGISTER,
                    "text": plain("Pre-register now", 75),
                    "style": "primary",
                    "value": str(payload["customer"]),
                },
            )
        )
    return Message(f"{headline.replace('*', '')} The first to pre-register it gets it.", blocks)


def _actions(block_id: str, *elements: dict[str, Any]) -> Block:
    return {"type": "actions", "block_id": block_id, "elements": list(elements)}
