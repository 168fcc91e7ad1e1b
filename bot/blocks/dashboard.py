"""App Home as the dashboard: the quota, a Pre-register button, the customers by section with
their actions, search and paging within Slack's 100 blocks; for a reviewer, the review queue."""

from __future__ import annotations

import json
from typing import Any

from bot.blocks import glossary, limits
from bot.blocks.kit import actions, button, context, header, plain, section
from bot.blocks.message import Block
from bot.blocks.review_queue import queue_blocks
from bot.blocks.rows import customer_row
from bot.blocks.text import duration_words, escape, escape_clip, slack_date
from bot.domain.policy import Policy, QuotaUse
from bot.services.dashboard import Dashboard, Section

OPEN_FORM = "home_preregister"
SEARCH = "home_search"
PAGE = "home_page"  # and home_page_previous, _next, _all: unique within their block

SHOWN = {Section.WAITING: 10, Section.EXPIRING: 10, Section.ACTIVE: 15, Section.ENDED: 10}
PAGE_SIZE = 40  # one section paged on its own
QUEUE = 15  # review rows

TITLES = {
    Section.WAITING: "Waiting for review",
    Section.EXPIRING: "Expiring soon",
    Section.ACTIVE: "Active",
    Section.ENDED: "Ended recently",
}


def page_value(section: Section | None, page: int, search: str) -> str:
    return json.dumps({"s": section.value if section else "", "p": page, "q": search})


def home_view(
    user_id: str,
    board: Dashboard,
    policy: Policy,
    *,
    search: str = "",
    only: Section | None = None,
    page: int = 0,
) -> dict[str, Any]:
    blocks: list[Block] = []
    if board.reviews is not None:
        blocks += queue_blocks(board.reviews, board.now)
    if board.partner is None or board.quota is None:
        if board.reviews is None:
            blocks += _unlinked(user_id, policy)
    else:
        blocks += _partner(board, policy, search, only, page)
    assert len(blocks) <= limits.MODAL_BLOCKS, len(blocks)
    return {"type": "home", "blocks": blocks}


def _unlinked(user_id: str, policy: Policy) -> list[Block]:
    return [
        header("Pre-register your customers"),
        section(
            "Reserve a potential customer for your company for "
            f"{duration_words(policy.validity)} and know at once where you stand.\n"
            "Your Slack account is not linked to a partner company yet, so you cannot "
            "pre-register customers. Ask the team that runs prereg for your program to "
            f"link your member ID `{escape(user_id)}` to your company."
        ),
    ]


def meter(quota: QuotaUse) -> str:
    filled = round(10 * min(quota.held, quota.quota) / quota.quota) if quota.quota else 10
    return f"{'▰' * filled}{'▱' * (10 - filled)}  *{glossary.quota(quota.held, quota.quota)}*"


def _partner(
    board: Dashboard, policy: Policy, search: str, only: Section | None, page: int
) -> list[Block]:
    assert board.partner is not None and board.quota is not None
    quota, now = board.quota, board.now
    summary = meter(quota)
    if quota.next_expiry is not None:
        summary += f"\nThe next one ends {slack_date(quota.next_expiry)}."
    top: Block = {**section(summary), "block_id": "quota"}
    top["accessory"] = button(OPEN_FORM, "Pre-register customer", primary=True)
    blocks: list[Block] = [header(board.partner.name or board.partner.id), top]
    if not board.partner.has_contact():
        blocks.append(
            section(
                "Your company has no email or mobile on file: set one with `/preregister profile`."
            )
        )
    blocks.append(_search_input(search))
    if search:
        blocks.append(
            actions(
                button(PAGE, "Clear search", page_value(None, 0, "")),
                block_id="search_shown",
            )
        )
    total = sum(len(rows) for rows in board.sections.values())
    if total == 0:
        empty = (
            f"Nothing matches “{escape_clip(search, 100)}”."
            if search
            else ("No customers yet. *Pre-register customer* reserves your first one.")
        )
        return [*blocks, section(empty)]
    for kind in Section:
        rows = board.sections.get(kind, [])
        if only is not None and kind is not only:
            continue
        if not rows:
            continue
        size = PAGE_SIZE if only is not None else SHOWN[kind]
        # A page kept from an earlier choice may lie past the end now: show the last one.
        start = min(page, (len(rows) - 1) // size) * size if only is not None else 0
        blocks.append(header(f"{TITLES[kind]} ({len(rows)})"))
        blocks += [
            customer_row(r, now, policy, board.opportunities.get(r.id or 0, ()))
            for r in rows[start : start + size]
        ]
        blocks += _paging(kind, len(rows), start, size, only is not None, search)
    return blocks


def _search_input(search: str) -> Block:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": SEARCH,
        "max_length": 100,
        "dispatch_action_config": {"trigger_actions_on": ["on_enter_pressed"]},
        "placeholder": plain("Search by name, email or mobile, then press Enter"),
    }
    if search:
        element["initial_value"] = search
    return {
        "type": "input",
        "block_id": SEARCH,
        "dispatch_action": True,
        "optional": True,
        "label": plain("Find a customer"),
        "element": element,
    }


def _paging(
    kind: Section, count: int, start: int, size: int, paged: bool, search: str
) -> list[Block]:
    buttons = []
    if paged and start > 0:
        buttons.append(
            button(f"{PAGE}_previous", "Previous", page_value(kind, start // size - 1, search))
        )
    if start + size < count:
        if paged:
            next_page = page_value(kind, start // size + 1, search)
            buttons.append(button(f"{PAGE}_next", "Next page", next_page))
        else:  # the section on its own, a page at a time
            buttons.append(
                button(PAGE, f"More {TITLES[kind].lower()}", page_value(kind, 0, search))
            )
    if paged:
        buttons.append(button(f"{PAGE}_all", "All sections", page_value(None, 0, search)))
    if not buttons:
        return []
    shown = f"{start + 1}–{min(start + size, count)} of {count}"
    return [context(shown), actions(*buttons, block_id=f"page-{kind.value}")]
