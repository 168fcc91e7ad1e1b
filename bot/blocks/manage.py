"""The company's customers (`/preregister list`), deleting them and creating opportunities."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from bot.blocks import glossary
from bot.blocks.kit import VALUE, context, modal, plain, section
from bot.blocks.message import Block, Message
from bot.blocks.rows import INVITE as INVITE
from bot.blocks.rows import MANAGE as MANAGE
from bot.blocks.rows import OPPORTUNITIES as OPPORTUNITIES
from bot.blocks.rows import OPPORTUNITY as OPPORTUNITY
from bot.blocks.rows import customer_row
from bot.blocks.text import clip, escape_clip
from bot.domain.model import Opportunity, Registration, Status
from bot.domain.policy import Policy, QuotaUse

DELETE_CONFIRM = "delete_confirm"
DELETE_MANY = "delete_many"
SELECTED = "registrations"
LISTED = 40  # one block each, under Slack's ~50 blocks per message


def list_message(
    registrations: Sequence[Registration],
    quota: QuotaUse,
    now: datetime,
    policy: Policy,
    search: str = "",
    opportunities: Mapping[int, Sequence[Opportunity]] | None = None,
) -> Message:
    """The company's customers, newest first, each with the actions that apply (as on Home)."""
    shown = [r for r in registrations if r.status is not Status.DELETED]
    title = f"*Your company's customers* — {glossary.quota(quota.held, quota.quota)}"
    if search:
        title += f" · matching “{escape_clip(search, 100)}”"
    blocks: list[Block] = [section(title)]
    if not shown:
        blocks.append(
            section(
                f"Nothing matches “{escape_clip(search, 100)}”."
                if search
                else "None yet. `/preregister` reserves your first customer."
            )
        )
    for registration in shown[:LISTED]:
        deals = (opportunities or {}).get(registration.id or 0, ())
        blocks.append(customer_row(registration, now, policy, deals))
    if len(shown) > LISTED:
        blocks.append(
            context(
                f"…and {len(shown) - LISTED} more not shown: narrow it down with"
                " `/preregister list <name, email or mobile>`."
            )
        )
    return Message(f"Your company's customers: {glossary.quota(quota.held, quota.quota)}.", blocks)


def delete_confirm_modal(registration: Registration, open_opportunities: int = 0) -> dict[str, Any]:
    blocks = [
        {"type": "section", "text": plain(f"Delete {registration.customer.name}?")},
        context(
            "Deleting it frees the customer at once: it no longer counts toward your quota, "
            "and another partner may pre-register it."
        ),
    ]
    if open_opportunities:
        many = "ies" if open_opportunities != 1 else "y"
        blocks.insert(
            1,
            section(
                f":warning: It has *{open_opportunities} open opportunit{many}*. They stay"
                " on record, but the customer is no longer yours to pursue."
            ),
        )
    # The count warned of goes back with the submission: more by then, and it is asked again.
    return modal(
        DELETE_CONFIRM,
        "Delete customer",
        blocks,
        submit="Delete",
        metadata=f"{registration.id}:{open_opportunities}",
    )


def delete_many_modal(registrations: Sequence[Registration]) -> dict[str, Any]:
    deletable = [r for r in registrations if r.can_delete][:100]
    if not deletable:
        blocks = [
            section(
                "There is nothing you can delete: pending reviews and associated customers stay."
            )
        ]
        return modal(DELETE_MANY, "Delete customers", blocks, close="Close")
    options = [
        {"text": plain(clip(r.customer.name, 75), 75), "value": str(r.id)} for r in deletable
    ]
    select = {
        "type": "input",
        "block_id": SELECTED,
        "label": plain("Customers to delete"),
        "element": {"type": "multi_static_select", "action_id": VALUE, "options": options},
    }
    blocks = [
        select,
        context(
            "Deleting a customer frees it at once. Pending reviews and associated "
            "customers can't be deleted."
        ),
    ]
    return modal(DELETE_MANY, "Delete customers", blocks, submit="Delete")


def deleted_view(done: Sequence[str], refused: Sequence[str]) -> dict[str, Any]:
    lines = [f"Deleted {len(done)} customer{'s' if len(done) != 1 else ''}."]
    lines += [f"• {escape_clip(text, 500)}" for text in refused]
    return modal(DELETE_MANY, "Deleted", [section("\n".join(lines))], close="Done")


def done_view(title: str, text: str) -> dict[str, Any]:
    return modal("manage_done", title, [section(text)], close="Done")
