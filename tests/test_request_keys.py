"""Request keys on both databases: whatever the order of replays, a key changes state once
and leaves one audit entry; the sweep forgets old keys in one statement."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.opportunities import Stage, StageUnchanged
from bot.services.context import Context
from bot.services.idempotency import KEPT, PruneRequestKeys, prune_request_keys
from bot.services.opportunities import (
    CreateOpportunity,
    MoveOpportunity,
    create_opportunity,
    move_opportunity,
)
from bot.services.partners import AddPartner, add_partner
from tests import seeding
from tests.conftest import Clock

CLOSE = date(2027, 2, 1)  # after the test clock's start
_customers = itertools.count()

Request = tuple[str, int, Stage]  # (what, key number, stage to move to)
requests = st.lists(
    st.tuples(st.sampled_from(["create", "move"]), st.integers(0, 3), st.sampled_from(Stage)),
    min_size=1,
    max_size=12,
)


@pytest.fixture
def acme(context: Context) -> Context:
    add_partner(
        AddPartner("acme", "Acme", "DE", email="s@acme.example", slack_user_ids=("UACME1",)),
        context,
    )
    return context


def audit_count(context: Context, registration_id: int, action: str) -> int:
    with context.uow() as uow:
        return [e.action for e in uow.audit.for_registration(registration_id)].count(action)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=requests)
def test_replays_never_add_a_second_audit_entry(acme: Context, sequence: list[Request]) -> None:
    held = seeding.hold(acme, f"it{next(_customers)}@kunde.example")
    assert held.id is not None
    base = create_opportunity(
        CreateOpportunity("UACME1", held.id, "Base", Decimal(1), "EUR", CLOSE, Stage.PROPOSAL),
        acme,
    )
    assert base.id is not None
    prefix = f"r{held.id}"  # keys of this example only
    created: set[int] = set()
    moved: set[int] = set()
    stage = Stage.PROPOSAL
    for what, key, to in sequence:
        if what == "create":
            cmd = CreateOpportunity(
                "UACME1", held.id, f"D{key}", Decimal(2), "EUR", CLOSE, to, None, f"{prefix}c{key}"
            )
            made = create_opportunity(cmd, acme)
            assert made.name == f"D{key}"  # a replay answers with the first one's opportunity
            created.add(key)
            continue
        try:
            move_opportunity(MoveOpportunity("UACME1", base.id, to, f"{prefix}m{key}"), acme)
        except StageUnchanged:  # refused: nothing stored, the key stays free
            assert key not in moved and to is stage
            continue
        if key not in moved:
            assert to is not stage
            moved.add(key)
            stage = to
    with acme.uow() as uow:
        found = uow.opportunities.of_registrations([held.id])[held.id]
    assert sorted(o.name for o in found if o.name != "Base") == sorted(f"D{k}" for k in created)
    assert audit_count(acme, held.id, "opportunity_created") == 1 + len(created)
    assert audit_count(acme, held.id, "opportunity_moved") == len(moved)
    assert next(o for o in found if o.name == "Base").stage is stage


def test_the_sweep_forgets_keys_older_than_a_week(acme: Context, clock: Clock) -> None:
    held = seeding.hold(acme, "it@kunde.example")
    assert held.id is not None

    def create(key: str) -> int:
        cmd = CreateOpportunity(
            "UACME1", held.id or 0, key, Decimal(1), "EUR", CLOSE, Stage.PROPOSAL, None, key
        )
        made = create_opportunity(cmd, acme)
        assert made.id is not None
        return made.id

    old = create("old")
    clock.advance(KEPT - timedelta(hours=1))
    recent = create("recent")
    clock.advance(timedelta(hours=2))
    assert prune_request_keys(PruneRequestKeys(), acme) == 1
    assert create("recent") == recent  # still known: a replay
    assert create("old") != old  # forgotten: a request this late is a new one
