"""What App Home shows: a partner's customers by section, a reviewer's queue. One read each."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.model import ACTIVE_STATUSES, Opportunity, Partner, Registration, Status
from bot.domain.policy import QuotaUse, quota_use
from bot.services.commands import Command
from bot.services.context import Context
from bot.services.errors import UnknownPartner
from bot.services.queries import MAY_HAVE_OPPORTUNITIES
from bot.services.records import company_of
from bot.services.review_queue import ReviewQueue, review_queue

ENDED_RECENTLY = timedelta(days=30)


class Section(StrEnum):
    WAITING = "waiting"
    EXPIRING = "expiring"
    ACTIVE = "active"
    ENDED = "ended"


class GetDashboard(Command):
    user_id: str
    search: str = ""
    """Name, email or mobile contains this (any case); empty shows everything."""


@dataclass(frozen=True)
class Dashboard:
    now: datetime
    partner: Partner | None = None
    quota: QuotaUse | None = None
    sections: dict[Section, list[Registration]] = field(default_factory=dict)
    reviews: ReviewQueue | None = None
    """The review queue, overdue first, for a reviewer; None for anyone else."""
    opportunities: Mapping[int, Sequence[Opportunity]] = field(default_factory=dict)
    """Each shown customer's opportunities, by registration id."""


def dashboard(query: GetDashboard, ctx: Context) -> Dashboard:
    now = ctx.now()
    with ctx.read() as uow:
        reviews = None
        if query.user_id in ctx.reviewers:
            reviews = review_queue(uow, query.user_id, now)
        try:
            partner = company_of(uow, query.user_id)
        except UnknownPartner:
            return Dashboard(now, reviews=reviews)
        active = uow.registrations.of_partner(partner.id, tuple(ACTIVE_STATUSES))
        ended = uow.registrations.ended_since(partner.id, now - ENDED_RECENTLY)
        held = [r.id for r in [*active, *ended] if r.status in MAY_HAVE_OPPORTUNITIES]
        opportunities = uow.opportunities.of_registrations([i for i in held if i is not None])
    quota = quota_use(active, ctx.policy, now)
    window = ctx.policy.extension_window
    sections: dict[Section, list[Registration]] = {s: [] for s in Section}
    # Two reads: on PostgreSQL an expiry committing between them shows a registration in both;
    # the later read is the truer one.
    latest = {r.id: r for r in [*active, *ended]}
    for registration in latest.values():
        if not _matches(registration, query.search):
            continue
        sections[_section_of(registration, now, window)].append(registration)
    sections[Section.WAITING].sort(key=lambda r: r.review_due or r.created_at)
    sections[Section.EXPIRING].sort(key=_end)
    sections[Section.ACTIVE].sort(key=_end)
    return Dashboard(now, partner, quota, sections, reviews, opportunities)


def _section_of(registration: Registration, now: datetime, window: timedelta) -> Section:
    if registration.status is Status.PENDING_REVIEW:
        return Section.WAITING
    if not registration.is_active(now):
        return Section.ENDED
    assert registration.valid_until is not None
    return Section.EXPIRING if registration.valid_until - now <= window else Section.ACTIVE


def _end(registration: Registration) -> datetime:
    assert registration.valid_until is not None
    return registration.valid_until


def _matches(registration: Registration, search: str) -> bool:
    wanted = search.strip().casefold()
    if not wanted:
        return True
    customer = registration.customer
    return any(
        wanted in (value or "").casefold()
        for value in (customer.name, customer.email, customer.mobile)
    )


def searched(registrations: Sequence[Registration], search: str) -> list[Registration]:
    return [r for r in registrations if _matches(r, search)]
