"""Read-only use cases: what a partner or a reviewer sees. Each reads in one transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.domain.model import ACTIVE_STATUSES, Opportunity, Partner, Registration, Status
from bot.domain.policy import QuotaUse, check_preconditions, quota_use
from bot.services.commands import Command, OnRegistration
from bot.services.context import Context
from bot.services.errors import RegistrationNotFound
from bot.services.ports import UnitOfWork
from bot.services.records import company_of, own_as

MAY_HAVE_OPPORTUNITIES = frozenset({Status.PREREGISTERED, Status.ASSOCIATED, Status.EXPIRED})
"""Statuses whose registrations can carry opportunities (made while it was held)."""


class GetStanding(Command):
    user_id: str


class GetCompany(Command):
    user_id: str


class ListRegistrations(Command):
    user_id: str


class GetOwnRegistration(OnRegistration):
    """One of the company's registrations; another company's is as if it did not exist."""


class GetRegistration(Command):
    """Any registration, for those who may see every one (reviewers, the delivery)."""

    registration_id: int


@dataclass(frozen=True)
class Standing:
    """A Slack user's company, its quota use and its active registrations, soonest end first."""

    partner: Partner
    quota: QuotaUse
    active: list[Registration]

    def check(self) -> None:
        """Preconditions before anyone types a form: raises NoContactOnFile or QuotaReached."""
        check_preconditions(self.partner, self.quota)


def standing(query: GetStanding, ctx: Context) -> Standing:
    """Raises UnknownPartner when the Slack user is linked to no company."""
    now = ctx.now()
    with ctx.read() as uow:
        partner = company_of(uow, query.user_id)
        held = uow.registrations.of_partner(partner.id, tuple(ACTIVE_STATUSES))
    active = sorted((r for r in held if r.is_active(now)), key=_soonest_end)
    return Standing(partner, quota_use(active, ctx.policy, now), active)


def ready_to_preregister(query: GetStanding, ctx: Context) -> Partner:
    """The company, once the preconditions of a new registration hold: raises UnknownPartner,
    NoContactOnFile or QuotaReached. Reads two rows, where `standing` loads every active one."""
    with ctx.read() as uow:
        partner = company_of(uow, query.user_id)
        use = quota_of(uow, partner.id, ctx)
    check_preconditions(partner, use)
    return partner


def company(query: GetCompany, ctx: Context) -> Partner:
    with ctx.read() as uow:
        return company_of(uow, query.user_id)


@dataclass(frozen=True)
class Listing:
    partner: Partner
    registrations: Sequence[Registration]
    opportunities: Mapping[int, Sequence[Opportunity]] = field(default_factory=dict)
    """By registration id, for those that have any."""


def list_registrations(query: ListRegistrations, ctx: Context) -> Listing:
    with ctx.read() as uow:
        partner = company_of(uow, query.user_id)
        registrations = uow.registrations.of_partner(partner.id)
        ids = [r.id for r in registrations if r.id and r.status in MAY_HAVE_OPPORTUNITIES]
        return Listing(partner, registrations, uow.opportunities.of_registrations(ids))


def own_registration(query: GetOwnRegistration, ctx: Context) -> Registration:
    """One of the company's registrations; another company's is as if it did not exist."""
    with ctx.read() as uow:
        return own_as(uow, query)[1]


def get_registration(query: GetRegistration, ctx: Context) -> Registration:
    with ctx.read() as uow:
        registration = uow.registrations.get(query.registration_id)
    if registration is None:
        raise RegistrationNotFound()
    return registration


def quota_of(uow: UnitOfWork, partner_id: str, ctx: Context) -> QuotaUse:
    """As `quota_use` over the company's active registrations, counted by the database."""
    held, soonest = uow.registrations.quota_held(partner_id, ctx.now())
    return QuotaUse(held, ctx.policy.quota, soonest)


def _soonest_end(registration: Registration) -> tuple[int, datetime]:
    # Pending reviews have no end yet: they come after every dated one.
    end = registration.valid_until or registration.review_due or registration.created_at
    return (registration.valid_until is None, end)
