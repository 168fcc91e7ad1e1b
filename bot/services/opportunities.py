"""Use cases of a company's opportunities: create one, move its stage; one transaction each.

Each takes the registration's row lock first, so a replayed request (same `request_key`)
waits for its twin and then answers with the first one's result (bot.services.idempotency).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from bot.domain.events import OpportunityChanged
from bot.domain.model import Registration
from bot.domain.opportunities import Opportunity, Stage, checked
from bot.services.commands import Command, OnRegistration
from bot.services.context import Context
from bot.services.errors import RegistrationNotFound
from bot.services.idempotency import remember, replayed
from bot.services.ports import UnitOfWork
from bot.services.records import company_of, note, own, own_as

CREATE = "create_opportunity"
MOVE = "move_opportunity"


class CreateOpportunity(OnRegistration):
    name: str
    amount: Decimal
    currency: str
    close_date: date
    stage: Stage
    notes: str | None = None
    request_key: str | None = None


class MoveOpportunity(Command):
    user_id: str
    opportunity_id: int
    stage: Stage
    request_key: str | None = None


class GetOpportunities(OnRegistration):
    """One of the company's customers with its opportunities."""


@dataclass(frozen=True)
class CustomerOpportunities:
    registration: Registration
    opportunities: Sequence[Opportunity]


def create_opportunity(cmd: CreateOpportunity, ctx: Context) -> Opportunity:
    """Only for a preregistered (within validity) or associated customer of the company."""
    now = ctx.now()
    with ctx.uow() as uow:
        _, registration = own_as(uow, cmd)
        first = replayed(uow, CREATE, cmd.request_key)
        if first is not None:
            return _opportunity(uow, int(first["opportunity_id"]))
        registration.check_opportunity(now)
        opportunity = uow.opportunities.add(
            checked(
                registration_id=cmd.registration_id,
                name=cmd.name,
                amount=cmd.amount,
                currency=cmd.currency,
                close_date=cmd.close_date,
                stage=cmd.stage,
                notes=cmd.notes,
                today=business_today(ctx),
                created_by=cmd.user_id,
                now=now,
            )
        )
        facts = _facts(opportunity)
        _recorded(uow, registration, opportunity, now, cmd.user_id, "opportunity_created", facts)
        remember(uow, CREATE, cmd.request_key, now, opportunity_id=opportunity.id)
        uow.commit()
        return opportunity


def move_opportunity(cmd: MoveOpportunity, ctx: Context) -> Opportunity:
    """Any stage to any other: a deal thought lost may come back."""
    now = ctx.now()
    with ctx.uow() as uow:
        partner = company_of(uow, cmd.user_id)
        # Locked, then its customer: one move at a time, each seeing the one before.
        before = uow.opportunities.get(cmd.opportunity_id, lock=True)
        if before is None:
            raise RegistrationNotFound()
        registration = own(uow, before.registration_id, partner.id)
        if replayed(uow, MOVE, cmd.request_key) is not None:
            return before
        moved = before.moved(cmd.stage, now)
        uow.opportunities.save(moved)
        detail = {"from_stage": before.stage.value, "to_stage": moved.stage.value}
        _recorded(uow, registration, moved, now, cmd.user_id, "opportunity_moved", detail)
        remember(uow, MOVE, cmd.request_key, now, opportunity_id=moved.id)
        uow.commit()
        return moved


def customer_opportunities(cmd: GetOpportunities, ctx: Context) -> CustomerOpportunities:
    with ctx.uow() as uow:
        _, registration = own_as(uow, cmd, lock=False)
        found = uow.opportunities.of_registrations([cmd.registration_id])
        return CustomerOpportunities(registration, found.get(cmd.registration_id, ()))


def _opportunity(uow: UnitOfWork, opportunity_id: int) -> Opportunity:
    found = uow.opportunities.get(opportunity_id)
    if found is None:
        raise RegistrationNotFound()
    return found


def _facts(opportunity: Opportunity) -> dict[str, object]:
    return {
        "opportunity_id": opportunity.id,
        "name": opportunity.name,
        "amount": str(opportunity.amount),
        "currency": opportunity.currency,
        "close_date": opportunity.close_date.isoformat(),
        "stage": opportunity.stage.value,
    }


def _recorded(
    uow: UnitOfWork,
    registration: Registration,
    opportunity: Opportunity,
    now: datetime,
    actor: str,
    action: str,
    detail: Mapping[str, object],
) -> None:
    """In the audit trail under its customer; and every colleague's App Home shows it there
    (an event, so the outbox rows come from bot.services.messages at commit)."""
    at = opportunity.updated_at or opportunity.created_at
    note(uow, registration, at, actor, action, {"opportunity_id": opportunity.id, **detail})
    registration.note(OpportunityChanged(now))
    uow.registrations.touched(registration)


def business_today(ctx: Context) -> date:
    """Today where the business is (BUSINESS_TIMEZONE): a close date before it is past."""
    return ctx.now().astimezone(ctx.calendar.timezone).date()
