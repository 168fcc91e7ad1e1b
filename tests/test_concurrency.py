"""Exclusivity and quota hold under concurrency by the database's own guarantees.

The units of work here skip the in-process writer queue that the bot uses on SQLite
(bot.adapters.waiting.writer_turn), so only the database keeps the rules, as it must
for several processes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from functools import partial

import pytest

from bot.adapters.database import session_factory
from bot.adapters.unit_of_work import SqlUnitOfWork
from bot.adapters.waiting import patient
from bot.bootstrap import Runtime
from bot.domain.eligibility import Outcome
from bot.domain.errors import ExtensionsUsedUp, QuotaReached
from bot.domain.model import Customer, Partner, Status
from bot.services import registrations as uc
from bot.services.context import Context
from tests.conftest import Clock

ROUNDS = 20


@pytest.fixture
def context(runtime: Runtime) -> Context:
    bare = partial(SqlUnitOfWork, session_factory(runtime.engine))
    return replace(runtime.context, uow=bare)


def race(workers: int, attempt: Callable[[int], object]) -> list[object]:
    """Start `workers` calls together (a barrier), return each result or exception.

    The rules are what is raced here, not the deadline: each call may wait for the database
    as long as background work may, so a loaded machine does not turn a race into ServiceBusy
    (the deadline has tests of its own, tests/e2e/test_database_faults.py)."""
    barrier = threading.Barrier(workers)

    def run(i: int) -> object:
        barrier.wait()
        try:
            with patient():
                return attempt(i)
        except Exception as error:
            return error

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(run, range(workers)))


def user_of(partner_id: str) -> str:
    """Each company's one Slack user, who submits for it."""
    return f"U{partner_id.upper()}1"


def add_partners(ctx: Context, *ids: str) -> None:
    with ctx.uow() as uow:
        for partner_id in ids:
            uow.partners.add(
                Partner(
                    partner_id,
                    partner_id.title(),
                    "DE",
                    email=f"s@{partner_id}.de",
                    slack_user_ids=(user_of(partner_id),),
                ),
                ctx.now(),
            )
        uow.commit()


def active(ctx: Context) -> list[tuple[str, str | None, str | None]]:
    with ctx.uow() as uow:
        return [
            (r.partner_id, r.customer.email, r.customer.mobile)
            for r in uow.registrations.all()
            if r.status in (Status.PREREGISTERED, Status.PENDING_REVIEW)
        ]


@pytest.mark.parametrize("shared", ["email", "mobile"])
def test_partners_racing_for_one_customer_leave_exactly_one_holder(
    context: Context, shared: str
) -> None:
    partners = ["acme", "beta", "gamma", "delta"]
    add_partners(context, *partners)
    for round_ in range(ROUNDS):

        def attempt(i: int, round_: int = round_) -> object:
            # Each partner types the customer a little differently: only one field is shared.
            same = (
                {"email": f"c{round_}@kunde.de"}
                if shared == "email"
                else {"mobile": f"+4930{round_:05d}99"}
            )
            other = (
                {"mobile": f"+4931{round_:04d}{i:03d}"}
                if shared == "email"
                else {"email": f"p{i}.c{round_}@kunde.de"}
            )
            who = Customer(f"Kunde {round_}", "DE", **same, **other)
            return uc.preregister(uc.Preregister(user_of(partners[i]), who), context)

        results = race(len(partners), attempt)
        errors = [r for r in results if isinstance(r, Exception)]
        assert errors == []
        outcomes = sorted(r.decision.outcome.value for r in results)  # type: ignore[attr-defined]
        assert outcomes == ["block", "block", "block", "eligible"], f"round {round_}"
    holders = active(context)
    assert len(holders) == ROUNDS


def test_concurrent_submissions_at_quota_minus_five_accept_exactly_five(context: Context) -> None:
    quota = 12
    ctx = replace(context, policy=replace(context.policy, quota=quota))
    add_partners(ctx, "acme")
    for n in range(quota - 5):
        who = Customer(f"Before {n}", "DE", email=f"before{n}@kunde.de")
        assert uc.preregister(uc.Preregister("UACME1", who), ctx).recorded

    def attempt(i: int) -> object:
        who = Customer(f"Rush {i}", "DE", email=f"rush{i}@kunde.de")
        return uc.preregister(uc.Preregister("UACME1", who), ctx)

    results = race(20, attempt)
    accepted = [r for r in results if isinstance(r, uc.Submission) and r.recorded]
    refused = [r for r in results if isinstance(r, QuotaReached)]
    assert (len(accepted), len(refused)) == (5, 15), results
    assert all(r.decision.outcome is Outcome.ELIGIBLE for r in accepted)
    assert len(active(ctx)) == quota


def test_users_of_one_company_extending_at_once_extend_once(context: Context) -> None:
    """Four users click Extend on one reservation at the same moment, ten rounds: exactly one
    extension is taken, the validity is added once, the others are told it is used up."""
    add_partners(context, "acme")
    for round_ in range(10):
        who = Customer(f"Kunde {round_}", "DE", email=f"x{round_}@kunde.de")
        held = uc.preregister(uc.Preregister("UACME1", who), context).registration
        assert held is not None and held.id is not None and held.valid_until is not None
        moment = held.valid_until - context.policy.extension_window / 2
        extending = replace(context, clock=Clock(moment))

        def attempt(i: int, held_id: int = held.id, ctx: Context = extending) -> object:
            return uc.extend(uc.Extend("UACME1", held_id), ctx)

        results = race(4, attempt)

        done = [r for r in results if not isinstance(r, Exception)]
        refused = [r for r in results if isinstance(r, ExtensionsUsedUp)]
        assert (len(done), len(refused)) == (1, 3), results
        with context.uow() as uow:
            now = uow.registrations.get(held.id)
        assert now is not None
        assert now.extensions == 1
        assert now.valid_until == held.valid_until + context.policy.validity
