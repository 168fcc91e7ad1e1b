"""Pre-registering through the use cases: at once, blocked, twice, under review, and the quota."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from bot.adapters.unit_of_work import SqlUnitOfWork
from bot.domain.eligibility import Outcome
from bot.domain.errors import NoContactOnFile, QuotaReached
from bot.domain.model import CustomerFacts, ReasonCode, Site, Status
from bot.services import registrations as uc
from bot.services.context import Context
from bot.services.errors import JustificationRequired, UnknownPartner
from bot.services.queries import GetStanding
from bot.services.queries import standing as standing_of
from tests import use_case_steps
from tests.conftest import Clock
from tests.use_case_steps import audit, customer, submit

ctx = use_case_steps.ctx  # a fixture of use_case_steps, by name


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
