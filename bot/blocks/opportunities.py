"""Opportunities: the Create modal, a customer's list with stage moves, the line under a row."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from bot.blocks import limits
from bot.blocks.kit import VALUE, context, modal, plain, section, text_input
from bot.blocks.message import Block
from bot.blocks.text import escape_clip
from bot.domain.currencies import currencies
from bot.domain.model import Registration
from bot.domain.opportunities import (
    AMOUNT_MAX,
    NAME_MAX,
    NOTES_MAX,
    Opportunity,
    OpportunityField,
    Stage,
)

OPPORTUNITY = "opportunity"  # the Create modal's callback_id
OPPORTUNITIES = "opportunities"  # a customer's opportunities, as a modal
STAGE_MENU = "opportunity_stage"  # the overflow on each opportunity: move to another stage
NAME = "opp_name"
AMOUNT = "opp_amount"
CURRENCY = "opp_currency"
CLOSE_DATE = "opp_close_date"
STAGE = "opp_stage"
NOTES = "opp_notes"
LISTED = 40  # opportunities in the modal, two blocks each, under its 100 blocks

BLOCK_OF: dict[OpportunityField, str] = {
    OpportunityField.NAME: NAME,
    OpportunityField.AMOUNT: AMOUNT,
    OpportunityField.CURRENCY: CURRENCY,
    OpportunityField.CLOSE_DATE: CLOSE_DATE,
    OpportunityField.STAGE: STAGE,
    OpportunityField.NOTES: NOTES,
}
"""The input each field of the domain is typed in."""

PROBLEMS: dict[str, str] = {
    "missing": "Give the opportunity a name.",
    "not_a_number": "Type the amount as a number, such as 25000 or 1250.50.",
    "not_positive": "The amount must be more than zero.",
    "too_large": f"At most {AMOUNT_MAX:,.2f}.",
    "too_many_decimals": "At most two decimals.",
    "unknown": "Choose one from the list.",
    "not_a_date": "Pick a date.",
    "in_the_past": "The close date can't be in the past.",
    "too_far": "That is more than ten years away: check the year.",
}


def problem_words(field: OpportunityField, problem: str) -> str:
    if problem == "too_long":
        limit = NAME_MAX if field is OpportunityField.NAME else NOTES_MAX
        return f"At most {limit} characters."
    return PROBLEMS.get(problem, "Check this field.")


def field_errors(problems: dict[OpportunityField, str]) -> dict[str, str]:
    """`response_action: errors`, each under its input."""
    return {BLOCK_OF[field]: problem_words(field, problem) for field, problem in problems.items()}


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text, limits.BUTTON_TEXT), "value": value}


def currency_option_groups() -> list[dict[str, Any]]:
    """ISO 4217, by code, in groups of at most 100 (Slack's limit for one group)."""
    options = [_option(f"{code} · {name}", code) for code, name in currencies().items()]
    size = limits.OPTIONS
    chunks = [options[i : i + size] for i in range(0, len(options), size)]
    return [
        {
            "label": plain(f"{chunk[0]['value']}–{chunk[-1]['value']}", limits.BUTTON_TEXT),
            "options": chunk,
        }
        for chunk in chunks
    ]


def stage_options(stages: Sequence[Stage] = tuple(Stage)) -> list[dict[str, Any]]:
    return [_option(stage.label, stage.value) for stage in stages]


def _select(block_id: str, label: str, element: dict[str, Any]) -> Block:
    return {"type": "input", "block_id": block_id, "label": plain(label), "element": element}


def opportunity_modal(registration: Registration, today: date) -> dict[str, Any]:
    stage = {
        "type": "static_select",
        "action_id": VALUE,
        "options": stage_options(),
        "initial_option": stage_options([Stage.QUALIFICATION])[0],
    }
    blocks: list[Block] = [
        {"type": "section", "text": plain(f"New opportunity for {registration.customer.name}")},
        text_input(NAME, "Name", max_length=NAME_MAX, optional=False),
        {
            "type": "input",
            "block_id": AMOUNT,
            "label": plain("Expected amount"),
            "element": {
                "type": "number_input",
                "action_id": VALUE,
                "is_decimal_allowed": True,
                "min_value": "0.01",
                "max_value": str(AMOUNT_MAX),
            },
            "hint": plain("Up to two decimals."),
        },
        _select(
            CURRENCY,
            "Currency",
            {
                "type": "static_select",
                "action_id": VALUE,
                "option_groups": currency_option_groups(),
                "placeholder": plain("Choose a currency"),
            },
        ),
        _select(
            CLOSE_DATE,
            "Expected close date",
            {"type": "datepicker", "action_id": VALUE, "initial_date": today.isoformat()},
        ),
        _select(STAGE, "Stage", stage),
        text_input(NOTES, "Notes", max_length=NOTES_MAX, multiline=True),
    ]
    return modal(
        OPPORTUNITY, "Create opportunity", blocks, submit="Create", metadata=str(registration.id)
    )


def money(amount: Decimal, currency: str) -> str:
    return f"{amount:,.2f} {currency}".strip()


def summary_line(opportunities: Sequence[Opportunity]) -> str | None:
    """Under a customer's row: how many are open, and the one closing next."""
    if not opportunities:
        return None
    open_ = sorted((o for o in opportunities if o.is_open), key=lambda o: (o.close_date, o.id or 0))
    count = f"{len(open_)} open opportunit{'y' if len(open_) == 1 else 'ies'}"
    if len(open_) != len(opportunities):
        count += f" ({len(opportunities)} in all)"
    if not open_:
        return f":briefcase: {count}"
    nxt = open_[0]
    return (
        f":briefcase: {count} · next: *{escape_clip(nxt.name, 80)}*,"
        f" {money(nxt.amount, nxt.currency)}, {nxt.stage.label}, closes {nxt.close_date:%d %b %Y}"
    )


def opportunities_modal(
    registration: Registration, opportunities: Sequence[Opportunity], notice: str | None = None
) -> dict[str, Any]:
    """Each opportunity with a menu to move it to another stage."""
    blocks: list[Block] = [
        {"type": "section", "text": plain(f"Opportunities of {registration.customer.name}")}
    ]
    if notice:
        blocks.append(context(notice))
    if not opportunities:
        blocks.append(section("None yet."))
    for opportunity in opportunities[:LISTED]:
        blocks.append(_opportunity_row(opportunity))
    if len(opportunities) > LISTED:
        blocks.append(context(f"…and {len(opportunities) - LISTED} more: see the export."))
    return modal(
        OPPORTUNITIES, "Opportunities", blocks, close="Done", metadata=str(registration.id)
    )


def _opportunity_row(opportunity: Opportunity) -> Block:
    notes = f"\n{escape_clip(opportunity.notes, 300)}" if opportunity.notes else ""
    block: Block = {
        "type": "section",
        "block_id": f"opportunity-{opportunity.id}",
        "text": {
            "type": "mrkdwn",
            "text": f"*{escape_clip(opportunity.name, NAME_MAX)}* · {opportunity.stage.label}\n"
            f"{money(opportunity.amount, opportunity.currency)},"
            f" closes {opportunity.close_date:%d %b %Y}{notes}",
        },
        "accessory": {
            "type": "overflow",
            "action_id": STAGE_MENU,
            "options": [
                _option(f"Move to {stage.label}", f"{opportunity.id}:{stage.value}")
                for stage in Stage
                if stage is not opportunity.stage
            ],
        },
    }
    return block
