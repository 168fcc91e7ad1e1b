"""One customer as a row: the same in `/preregister list` and App Home, with its actions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.blocks import glossary
from bot.blocks.extension_requests import (
    EXTEND_LABEL,
    REQUEST_EXTENSION,
    REQUEST_LABEL,
    extend_value,
)
from bot.blocks.kit import plain
from bot.blocks.message import Block
from bot.blocks.opportunities import summary_line
from bot.blocks.text import escape_clip, slack_date
from bot.domain.extension_requests import may_request
from bot.domain.model import Opportunity, Registration, Status
from bot.domain.policy import Policy

MANAGE = "manage"  # the overflow menu on each customer row
INVITE = "invite"
EXTEND = "extend"
DELETE = "delete"
OPPORTUNITY = "opportunity"
OPPORTUNITIES = "opportunities"  # the customer's opportunities, with their stage menus


def status_line(registration: Registration, now: datetime) -> str:
    due, until = registration.review_due, registration.valid_until
    if registration.status is Status.PENDING_REVIEW and registration.question is not None:
        return "⏸ Waiting on you: a reviewer asked a question (see your DMs to reply)"
    if registration.status is Status.PENDING_REVIEW and due is not None:
        if due <= now:
            return f":warning: Review overdue: the answer was due {slack_date(due)}"
        return f"Waiting for review, answer due {slack_date(due)}"
    if registration.is_active(now) and until is not None:
        line = f"Pre-registered until {slack_date(until)}"
        if registration.extension_request is not None:
            line += " · Extension requested: a reviewer decides"
        return line
    if registration.is_due_to_expire(now):
        return "Expired"
    word = glossary.status_title(registration.status)
    ended = registration.ended_at
    return f"{word} {slack_date(ended)}" if ended is not None else word


def actions_for(
    registration: Registration, now: datetime, policy: Policy, has_opportunities: bool = False
) -> list[tuple[str, str]]:
    """(label, action) of what applies to it now; the server checks each again when chosen."""
    offered = []
    if registration.status is Status.PREREGISTERED and registration.is_active(now):
        offered.append(("Invite", INVITE))
    if registration.allows_opportunity(now):
        offered.append(("Create opportunity", OPPORTUNITY))
    if has_opportunities:
        offered.append(("View opportunities", OPPORTUNITIES))
    # The label says before the click whether it is taken at once or asked of a reviewer.
    if registration.can_extend(now, policy):
        offered.append((EXTEND_LABEL, EXTEND))
    elif may_request(registration, now, policy):
        offered.append((REQUEST_LABEL, REQUEST_EXTENSION))
    still_held = registration.is_active(now) or registration.status is Status.REJECTED
    if registration.can_delete and still_held:
        offered.append((glossary.DELETE, DELETE))
    return offered


def customer_row(
    registration: Registration,
    now: datetime,
    policy: Policy,
    opportunities: Sequence[Opportunity] = (),
) -> Block:
    customer = registration.customer
    contact = customer.email or customer.mobile or ""
    deals = summary_line(opportunities)
    block: Block = {
        "type": "section",
        "block_id": f"registration-{registration.id}",
        "text": {
            "type": "mrkdwn",
            "text": f"*{escape_clip(customer.name, 300)}* · {escape_clip(contact, 320)}\n"
            f"{status_line(registration, now)}" + (f"\n{deals}" if deals else ""),
        },
    }
    options = [
        _option(label, f"{action}:{_value(registration, action)}")
        for label, action in actions_for(registration, now, policy, bool(opportunities))
    ]
    if options:
        block["accessory"] = {"type": "overflow", "action_id": MANAGE, "options": options}
    return block


def _value(registration: Registration, action: str) -> str:
    # Extend carries the extensions taken as shown: a second click on this copy is stale.
    return f"{extend_value(registration)}" if action == EXTEND else f"{registration.id}"


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text, 75), "value": value}
