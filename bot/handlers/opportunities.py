"""Creating an opportunity (its modal), a customer's opportunities, and moving their stage."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks import opportunities as ids
from bot.blocks.manage import done_view
from bot.blocks.opportunities import money, opportunities_modal, opportunity_modal
from bot.blocks.text import escape, escape_clip
from bot.domain.opportunities import InvalidOpportunity, OpportunityField, amount_of, stage_of
from bot.handlers import payloads
from bot.handlers.forms import state_values
from bot.handlers.refusals import answered
from bot.handlers.request_keys import action_key, submission_key
from bot.services.context import Context
from bot.services.opportunities import (
    CreateOpportunity,
    GetOpportunities,
    MoveOpportunity,
    business_today,
    create_opportunity,
    customer_opportunities,
    move_opportunity,
)
from bot.services.queries import GetOwnRegistration, own_registration

_TEXT_MAX = 10_000  # far over every limit: the rest is cut before parsing, and refused


def register(app: App) -> None:
    app.view(ids.OPPORTUNITY)(opportunity_submitted)
    app.action(ids.STAGE_MENU)(stage_chosen)


def create_view(user_id: str, registration_id: int, services: Context) -> dict[str, Any]:
    """Re-read now: the list may be older than the registration."""
    registration = own_registration(GetOwnRegistration(user_id, registration_id), services)
    registration.check_opportunity(services.now())
    return opportunity_modal(registration, business_today(services))


def list_view(user_id: str, registration_id: int, services: Context) -> dict[str, Any]:
    found = customer_opportunities(GetOpportunities(user_id, registration_id), services)
    return opportunities_modal(found.registration, found.opportunities)


def _text(values: dict[str, Any], block_id: str) -> str:
    value = values.get(block_id)
    return value[:_TEXT_MAX] if isinstance(value, str) else ""


def parse_form(view: dict[str, Any], user_id: str, key: str | None) -> CreateOpportunity:
    """Typed values, or InvalidOpportunity naming every field that can't even be read; the
    use case checks every limit."""
    values = state_values(view)
    problems: dict[OpportunityField, str] = {}
    amount = stage = close = None
    try:
        amount = amount_of(_text(values, ids.AMOUNT))
    except InvalidOpportunity as bad:
        problems.update(bad.problems)
    try:
        stage = stage_of(_text(values, ids.STAGE))
    except InvalidOpportunity as bad:
        problems.update(bad.problems)
    try:
        close = date.fromisoformat(_text(values, ids.CLOSE_DATE))
    except ValueError:
        problems[OpportunityField.CLOSE_DATE] = "not_a_date"
    if problems or amount is None or stage is None or close is None:
        raise InvalidOpportunity(problems)
    return CreateOpportunity(
        user_id,
        payloads.metadata_id(view),
        name=_text(values, ids.NAME),
        amount=amount,
        currency=_text(values, ids.CURRENCY),
        close_date=close,
        stage=stage,
        notes=_text(values, ids.NOTES) or None,
        request_key=key,
    )


@answered
def opportunity_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Context
) -> None:
    user_id = payloads.user_of(body)
    cmd = parse_form(view, user_id, submission_key(body))
    opportunity = create_opportunity(cmd, services)  # a refusal: under its fields (refusals)
    text = (
        f"Opportunity *{escape(opportunity.name)}* created:"
        f" {money(opportunity.amount, opportunity.currency)}, {opportunity.stage.label},"
        f" closes {opportunity.close_date:%d %b %Y}."
    )
    ack(response_action="update", view=done_view("Opportunity created", text))


@answered
def stage_chosen(ack: Ack, body: dict[str, Any], client: WebClient, services: Context) -> None:
    """In the customer's opportunities modal: the list shows the move in place."""
    ack()
    choice = payloads.stage_choice(body)
    cmd = MoveOpportunity(
        choice.user_id, choice.opportunity_id, stage_of(choice.stage), action_key(body)
    )
    moved = move_opportunity(cmd, services)
    found = customer_opportunities(
        GetOpportunities(choice.user_id, moved.registration_id), services
    )
    notice = f"*{escape_clip(moved.name, 200)}* is at {moved.stage.label} now."
    shown = opportunities_modal(found.registration, found.opportunities, notice)
    view = body.get("view") if isinstance(body.get("view"), dict) else None
    if view is not None and view.get("id"):
        client.views_update(view_id=str(view["id"]), view=shown)
    else:
        client.views_open(trigger_id=choice.trigger_id, view=shown)
