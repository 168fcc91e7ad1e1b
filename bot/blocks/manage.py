"""The company's customers (`/preregister list`), deleting them and creating opportunities."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.blocks.kit import VALUE, context, modal, plain, section, text_input
from bot.blocks.message import Block, Message
from bot.blocks.text import clip, escape_clip, slack_date
from bot.domain.model import Registration, Status
from bot.domain.policy import QuotaUse

MANAGE = "manage"  # the overflow menu on each listed customer
DELETE_CONFIRM = "delete_confirm"
DELETE_MANY = "delete_many"
OPPORTUNITY = "opportunity"
INVITE = "invite"
SELECTED = "registrations"
TITLE = "title"
LISTED = 40  # one block each, under Slack's ~50 blocks per message

_STATUS_WORDS = {
    Status.PENDING_REVIEW: "waiting for review",
    Status.PREREGISTERED: "pre-registered",
    Status.REJECTED: "rejected",
    Status.EXPIRED: "expired",
    Status.DELETED: "deleted",
    Status.ASSOCIATED: "associated",
}


def status_line(registration: Registration, now: datetime) -> str:
    if registration.status is Status.PENDING_REVIEW and registration.review_due:
        return f"Waiting for review, answer due {slack_date(registration.review_due)}"
    if registration.is_active(now) and registration.valid_until:
        return f"Pre-registered until {slack_date(registration.valid_until)}"
    if registration.is_due_to_expire(now):
        return "Expired"
    return _STATUS_WORDS[registration.status].capitalize()


def list_message(registrations: Sequence[Registration], quota: QuotaUse, now: datetime) -> Message:
    shown = [r for r in registrations if r.status is not Status.DELETED]
    blocks: list[Block] = [
        section(f"*Your company's customers* — {quota.held} of {quota.quota} active held.")
    ]
    if not shown:
        blocks.append(section("None yet. `/preregister` reserves your first customer."))
    for registration in shown[:LISTED]:
        blocks.append(_row(registration, now))
    if len(shown) > LISTED:
        blocks.append(context(f"…and {len(shown) - LISTED} older ones not shown."))
    return Message(f"Your company holds {quota.held} of {quota.quota} customers.", blocks)


def _row(registration: Registration, now: datetime) -> Block:
    customer = registration.customer
    contact = customer.email or customer.mobile or ""
    block: Block = {
        "type": "section",
        "block_id": f"registration-{registration.id}",
        "text": {
            "type": "mrkdwn",
            "text": f"*{escape_clip(customer.name, 300)}* · {escape_clip(contact, 320)}\n"
            f"{status_line(registration, now)}",
        },
    }
    options = []
    if registration.status is Status.PREREGISTERED and registration.is_active(now):
        options.append(_option("Invite", f"{INVITE}:{registration.id}"))
    if registration.allows_opportunity(now):
        options.append(_option("Create opportunity", f"{OPPORTUNITY}:{registration.id}"))
    if registration.can_delete:
        options.append(_option("Delete", f"delete:{registration.id}"))
    if options:
        block["accessory"] = {"type": "overflow", "action_id": MANAGE, "options": options}
    return block


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text, 75), "value": value}


def delete_confirm_modal(registration: Registration) -> dict[str, Any]:
    blocks = [
        {"type": "section", "text": plain(f"Delete {registration.customer.name}?")},
        context(
            "The customer is released at once: it no longer counts toward your quota, "
            "and another partner may pre-register it."
        ),
    ]
    view = modal(DELETE_CONFIRM, "Delete customer", blocks, submit="Delete")
    view["private_metadata"] = str(registration.id)
    return view


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
            "Deleted customers are released at once. Pending reviews and associated "
            "customers can't be deleted."
        ),
    ]
    return modal(DELETE_MANY, "Delete customers", blocks, submit="Delete")


def deleted_view(done: Sequence[str], refused: Sequence[str]) -> dict[str, Any]:
    lines = [f"Deleted {len(done)} customer{'s' if len(done) != 1 else ''}."]
    lines += [f"• {escape_clip(text, 500)}" for text in refused]
    return modal(DELETE_MANY, "Deleted", [section("\n".join(lines))], close="Done")


def opportunity_modal(registration: Registration) -> dict[str, Any]:
    blocks = [
        {"type": "section", "text": plain(f"New opportunity for {registration.customer.name}")},
        text_input(TITLE, "Opportunity title", max_length=200, optional=False),
    ]
    view = modal(OPPORTUNITY, "Create opportunity", blocks, submit="Create")
    view["private_metadata"] = str(registration.id)
    return view


def done_view(title: str, text: str) -> dict[str, Any]:
    return modal("manage_done", title, [section(text)], close="Done")
