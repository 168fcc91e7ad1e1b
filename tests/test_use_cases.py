"""The use cases over the real unit of work, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text

from bot.adapters.unit_of_work import SqlUnitOfWork
from bot.domain.eligibility import Outcome
from bot.domain.errors import (
    NoContactOnFile,
    NotAReviewer,
    OpportunityNotAllowed,
    OwnCompanyReview,
    QuotaReached,
    TransitionNotAllowed,
)
from bot.domain.model import Customer, CustomerFacts, Partner, ReasonCode, Site, Status
from bot.domain.opportunities import Stage
from bot.services import opportunities as opps
from bot.services import registrations as uc
from bot.services import reviews
from bot.services.context import Context
from bot.services.errors import JustificationRequired, RegistrationNotFound, UnknownPartner
from bot.services.queries import GetRegistration, GetStanding, get_registration
from bot.services.queries import standing as standing_of
from tests.conftest import Clock

REVIEWERS = {"UREV1", "UREV2", "UACME"}
SOON = date(2027, 1, 15)  # weeks after the test clock's start (tests/conftest.py)


@pytest.fixture
def ctx(context: Context) -> Context:
    with context.uow() as uow:
        uow.partners.add(
            Partner("acme", "Acme", "DE", email="sales@acme.de", slack_user_ids=("UACME", "Uacme")),
            context.now(),
        )
        uow.partners.add(
            Partner("beta", "Beta", "DE", mobile="+4930999999", slack_user_ids=("Ubeta",)),
            context.now(),
        )
        uow.partners.add(Partner("mute", "Mute", "DE", slack_user_ids=("Umute",)), context.now())
        uow.commit()
    return context


def customer(n: int = 1, country: str = "DE", **kw: str) -> Customer:
    values = {"email": f"it{n}@kunde.de", "mobile": f"+49301234{n:03d}"}
    values.update(kw)
    return Customer(f"Kunde {n}", country, **values)


def submit(
    ctx: Context, partner: str, who: Customer, justification: str | None = None
) -> uc.Submission:
    return uc.preregister(uc.Preregister(f"U{partner}", who, justification), ctx)


def audit(ctx: Context, registration_id: int) -> list[tuple[str, str | None, str | None]]:
    with ctx.uow() as uow:
        return [
            (e.action, e.from_status, e.to_status)
            for e in uow.audit.for_registration(registration_id)
        ]


def test_eligible_customer_is_preregistered_at_once(ctx: Context) -> None:
    result = submit(ctx, "acme", customer())
    assert result.decision.outcome is Outcome.ELIGIBLE
    assert result.recorded and result.registration is not None
    assert result.registration.status is Status.PREREGISTERED
    assert result.registration.valid_until == ctx.now() + ctx.policy.validity
    assert audit(ctx, result.registration.id or 0) == [("preregistered", None, "preregistered")]


def test_second_partner_is_blocked_without_learning_who(ctx: Context) -> None:
    submit(ctx, "acme", customer())
    result = submit(ctx, "beta", customer(mobile="+4930555555"))
    assert result.decision.outcome is Outcome.BLOCK
    assert result.decision.codes == (ReasonCode.HELD_BY_OTHER_PARTNER,)
    assert result.registration is None


def test_blocked_attempt_is_kept_in_the_audit_log_only(ctx: Context) -> None:
    with ctx.uow() as uow:
        uow.directory.upsert(CustomerFacts(email="it1@kunde.de", has_contract=True))
        uow.commit()
    result = submit(ctx, "acme", customer())
    assert result.decision.codes == (ReasonCode.CONTRACT,)
    with ctx.uow() as uow:
        assert uow.registrations.all() == []
        assert isinstance(uow, SqlUnitOfWork)  # a blocked attempt has no registration to ask by
        entries = uow.session.execute(text("SELECT action, partner_id FROM audit_log")).all()
    assert [tuple(e) for e in entries] == [("blocked", "acme")]


def test_same_submission_twice_creates_one_registration(ctx: Context) -> None:
    first = submit(ctx, "acme", customer())
    again = submit(ctx, "acme", customer())
    assert again.decision.outcome is Outcome.ALREADY_YOURS
    assert not again.recorded
    assert again.registration is not None and again.registration.id == first.registration.id  # type: ignore[union-attr]
    with ctx.uow() as uow:
        assert len(uow.registrations.all()) == 1


def test_review_case_is_not_recorded_without_justification(ctx: Context) -> None:
    result = submit(ctx, "acme", customer(country="FR"))
    assert result.decision.outcome is Outcome.REVIEW
    assert result.registration is None
    with pytest.raises(JustificationRequired):
        uc.request_review(uc.RequestReview("Uacme", customer(country="FR"), "  "), ctx)


def test_review_request_holds_the_customer_and_counts_toward_quota(
    ctx: Context, clock: Clock
) -> None:
    result = uc.request_review(
        uc.RequestReview("Uacme", customer(country="FR"), " Met at a fair "), ctx
    )
    registration = result.registration
    assert registration is not None and registration.status is Status.PENDING_REVIEW
    assert registration.justification == "Met at a fair"
    # Wednesday 10:00 + 2 working days.
    assert registration.review_due == clock.now + timedelta(days=2)
    assert submit(ctx, "beta", customer(country="FR")).decision.codes == (
        ReasonCode.HELD_BY_OTHER_PARTNER,
    )
    standing = standing_of(GetStanding("UACME"), ctx)
    assert standing.quota.held == 1
    assert [r.id for r in standing.active] == [registration.id]


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


def test_preconditions(ctx: Context) -> None:
    with pytest.raises(NoContactOnFile):
        submit(ctx, "mute", customer())
    with pytest.raises(UnknownPartner):
        submit(ctx, "ghost", customer())


def test_quota_reached_refuses_and_frees_after_delete(ctx: Context, clock: Clock) -> None:
    tight = Context(ctx.uow, type(ctx.policy)(quota=2), ctx.calendar, ctx.clock)
    ids = []
    for n in (1, 2):
        held = submit(tight, "acme", customer(n)).registration
        assert held is not None and held.id is not None
        ids.append(held.id)
    with pytest.raises(QuotaReached) as refused:
        submit(tight, "acme", customer(3))
    assert refused.value.held == 2
    assert refused.value.next_expiry == clock.now + tight.policy.validity
    uc.delete(uc.Delete("Uacme", ids[0]), ctx)
    assert submit(tight, "acme", customer(3)).recorded


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


def test_directory_facts_are_used(ctx: Context, clock: Clock) -> None:
    with ctx.uow() as uow:
        uow.directory.upsert(
            CustomerFacts(
                mobile="+49301234001",
                site=Site.INTL,
                country="DE",
                registered_at=clock.now - timedelta(days=30),
                direct_sales_followup=True,
            )
        )
        uow.commit()
    result = submit(ctx, "acme", customer(1))
    assert result.decision.codes == (ReasonCode.DIRECT_SALES_FOLLOWUP,)
