"""A reviewer's App Home: the queue with its filter (All / Overdue / Waiting on partner /
Extensions), each row linking to its card, and the reviewer's own recent decisions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.blocks.kit import button, context, header, plain, section
from bot.blocks.message import Block
from bot.blocks.text import escape_clip, slack_date
from bot.services.review_queue import PastDecision, QueueFilter, QueueItem, ReviewQueue

QUEUE_FILTER = "home_queue_filter"
OPEN_CARD = "home_open_card"
QUEUE = 15  # rows shown: with a partner's own dashboard beside it, Home stays under 100 blocks

FILTER_WORDS = {
    QueueFilter.ALL: "All",
    QueueFilter.OVERDUE: "Overdue",
    QueueFilter.WAITING: "Waiting on partner",
    QueueFilter.EXTENSIONS: "Extensions",
}
DECISION_WORDS = {
    "approved": "✅ Approved",
    "rejected": "❌ Rejected",
    "extension_approved": "✅ Extension approved",
    "extension_rejected": "❌ Extension rejected",
}


def queue_blocks(queue: ReviewQueue, now: datetime) -> list[Block]:
    items = queue.items
    overdue = queue.count(QueueFilter.OVERDUE, now)
    waiting = queue.count(QueueFilter.WAITING, now)
    extensions = queue.count(QueueFilter.EXTENSIONS, now)
    summary = (
        f"{len(items)} waiting, {overdue} overdue, {waiting} waiting on the partner,"
        f" {extensions} extension request{'' if extensions == 1 else 's'}."
        if items
        else "Nothing waits for a decision."
    )
    blocks: list[Block] = [header("Review queue"), context(summary), _filter(queue, now)]
    shown = queue.shown(now)
    if items and not shown:
        blocks.append(context(f"Nothing under “{FILTER_WORDS[queue.choice]}” right now."))
    blocks += [_row(item, now) for item in shown[:QUEUE]]
    if len(shown) > QUEUE:
        blocks.append(context(f"…and {len(shown) - QUEUE} more in the reviewers' channel."))
    blocks += _recent(queue.recent)
    return blocks


def _filter(queue: ReviewQueue, now: datetime) -> Block:
    options = [
        _option(f"{FILTER_WORDS[choice]} ({queue.count(choice, now)})", choice.value)
        for choice in QueueFilter
    ]
    chosen = options[list(QueueFilter).index(queue.choice)]
    return {
        "type": "actions",
        "block_id": "queue_filter",
        "elements": [
            {
                "type": "static_select",
                "action_id": QUEUE_FILTER,
                "placeholder": plain("Show"),
                "options": options,
                "initial_option": chosen,
            }
        ],
    }


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text, 75), "value": value}


def _row(item: QueueItem, now: datetime) -> Block:
    registration = item.registration
    due = item.due
    if item.waiting_on_partner and registration.question is not None:
        when = f"⏸ Waiting on the partner since {slack_date(registration.question.asked_at)}"
    elif item.overdue(now) and due is not None:
        when = f":warning: *Overdue*: the answer was due {slack_date(due)}"
    else:
        when = f"Answer due {slack_date(due)}" if due else "No deadline"
    kind = "🔁 Extension request · " if item.extension is not None else ""
    row: Block = {
        **section(
            f"{kind}*{escape_clip(registration.customer.name, 300)}* · "
            f"{escape_clip(item.partner_name, 200)}\n{when}"
        ),
        "block_id": f"{'extension' if item.extension else 'review'}-"
        f"{item.extension.id if item.extension else registration.id}",
    }
    if item.card is not None:
        channel, ts = item.card.get("channel", ""), item.card.get("ts", "")
        link = button(OPEN_CARD, "Open card", registration.id)
        link["url"] = f"https://slack.com/archives/{channel}/p{ts.replace('.', '')}"
        row["accessory"] = link
    return row


def _recent(recent: list[PastDecision]) -> list[Block]:
    if not recent:
        return [context("Your recent decisions show here.")]
    lines = [
        f"• {DECISION_WORDS.get(d.action, d.action)} *{escape_clip(d.customer_name, 200)}*"
        f" — {slack_date(d.at)}"
        for d in recent
    ]
    return [header("Your recent decisions"), section("\n".join(lines))]
