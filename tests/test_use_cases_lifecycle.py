"""A registration's life through the use cases: decided, deleted, associated, expired."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from bot.domain.eligibility import Outcome
from bot.domain.errors import (
    NotAReviewer,
    OpportunityNotAllowed,
    OwnCompanyReview,
    TransitionNotAllowed,
)
from bot.domain.model import Status
from bot.domain.opportunities import Stage
from bot.services import opportunities as opps
from bot.services import registrations as uc
from bot.services import reviews
from bot.services.context import Context
from bot.services.errors import RegistrationNotFound
from bot.services.queries import GetRegistration, get_registration
from tests import use_case_steps
from tests.conftest import Clock
from tests.use_case_steps import audit, customer, submit

ctx = use_case_steps.ctx  # a fixture of use_case_steps, by name


REVIEWERS = {"UREV1", "UREV2", "UACME"}
SOON = date(2027, 1, 15)  # weeks after the test clock's start (tests/conftest.py)


def test_approve_starts_validity_then_second_decision_is_refused(
    ctx: Context, clock: Clock
) -> None:
    pending = submit(ctx, "acme", customer(country="FR"), "reason").registration
    assert pending is not None and pending.id is not None
    clock.advance(timedelta(hours=5))
    approved = reviews.approve(
        reviews.Approve("UREV1", pending.id), replace(ctx, reviewers=frozenset(REVIEWERS))
    )
    assert approved.status is Status.PREREGISTERED
    assert approved.valid_until == clock.now + ctx.policy.validity
    with pytest.raises(TransitionNotAllowed):
        reviews.reject(
            reviews.Reject("UREV2", pending.id, "too late"),
            replace(ctx, reviewers=frozenset(REVIEWERS)),
        )
    assert audit(ctx, pending.id)[-1] == ("approved", "pending_review", "preregistered")


def test_reject_frees_the_customer(ctx: Context) -> None:
    pending = submit(ctx, "acme", customer(country="FR"), "reason").registration
    assert pending is not None and pending.id is not None
    rejected = reviews.reject(
        reviews.Reject("UREV1", pending.id, " Direct sales "),
        replace(ctx, reviewers=frozenset(REVIEWERS)),
    )
    assert (rejected.status, rejected.decision_note) == (Status.REJECTED, "Direct sales")
    assert submit(ctx, "beta", customer(country="FR"), "ours").decision.outcome is Outcome.REVIEW


def test_only_reviewers_decide_and_never_for_their_own_company(ctx: Context) -> None:
    pending = submit(ctx, "acme", customer(country="FR"), "reason").registration
    assert pending is not None and pending.id is not None
    with pytest.raises(NotAReviewer):
        reviews.approve(
            reviews.Approve("UNOBODY", pending.id), replace(ctx, reviewers=frozenset(REVIEWERS))
        )
    with pytest.raises(OwnCompanyReview):
        reviews.approve(
            reviews.Approve("UACME", pending.id), replace(ctx, reviewers=frozenset(REVIEWERS))
        )
    with ctx.uow() as uow:
        assert uow.registrations.get(pending.id).status is Status.PENDING_REVIEW  # type: ignore[union-attr]


def test_delete_rules(ctx: Context) -> None:
    mine = submit(ctx, "acme", customer(1)).registration
    pending = submit(ctx, "acme", customer(2, country="FR"), "why").registration
    assert mine and pending and mine.id and pending.id
    with pytest.raises(RegistrationNotFound):
        uc.delete(uc.Delete("Ubeta", mine.id), ctx)
    results = uc.delete_many(uc.DeleteMany("Uacme", tuple([mine.id, pending.id, 999])), ctx)
    assert [type(r.error).__name__ if r.error else "ok" for r in results] == [
        "ok",
        "TransitionNotAllowed",
        "RegistrationNotFound",
    ]
    # Deleted is invalid at once: another partner may take the customer now.
    assert submit(ctx, "beta", customer(1)).recorded


def test_associate_and_opportunity(ctx: Context) -> None:
    registration = submit(ctx, "acme", customer()).registration
    assert registration is not None and registration.id is not None
    opportunity = opps.create_opportunity(deal(registration.id, " Migration "), ctx)
    assert opportunity.id is not None and opportunity.name == "Migration"
    with ctx.uow() as uow:  # as the customer's association does, through its invitation
        registration.associate("it1@kunde.de", ctx.now())
        uow.registrations.save(registration)
        uow.commit()
    assert get_registration(GetRegistration(registration.id), ctx).status is Status.ASSOCIATED
    with pytest.raises(TransitionNotAllowed):
        registration.associate("it1@kunde.de", ctx.now())
    opps.create_opportunity(deal(registration.id, "Renewal"), ctx)
    pending = submit(ctx, "acme", customer(2, country="FR"), "why").registration
    assert pending is not None and pending.id is not None
    with pytest.raises(OpportunityNotAllowed):
        opps.create_opportunity(deal(pending.id, "Too early"), ctx)


def deal(registration_id: int, name: str) -> opps.CreateOpportunity:
    return opps.CreateOpportunity(
        "Uacme", registration_id, name, Decimal("1000"), "EUR", SOON, Stage.PROPOSAL
    )


def test_expire_due_at_the_boundary(ctx: Context, clock: Clock) -> None:
    registration = submit(ctx, "acme", customer()).registration
    assert registration is not None and registration.valid_until is not None
    clock.now = registration.valid_until - timedelta(microseconds=1)
    assert uc.expire_due(uc.ExpireDue(), ctx) == []
    clock.now = registration.valid_until
    expired = uc.expire_due(uc.ExpireDue(), ctx)
    assert [r.id for r in expired] == [registration.id]
    assert uc.expire_due(uc.ExpireDue(), ctx) == []
    assert audit(ctx, registration.id or 0)[-1] == ("expired", "preregistered", "expired")


def test_stale_registration_is_expired_when_someone_else_registers(
    ctx: Context, clock: Clock
) -> None:
    registration = submit(ctx, "acme", customer()).registration
    assert registration is not None and registration.valid_until is not None
    clock.now = registration.valid_until + timedelta(minutes=1)
    assert submit(ctx, "beta", customer()).recorded
    with ctx.uow() as uow:
        statuses = sorted(r.status.value for r in uow.registrations.all())
    assert statuses == ["expired", "preregistered"]
