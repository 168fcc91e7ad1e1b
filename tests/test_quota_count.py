"""The quota a submission checks is counted by the database: it must give the same answer
as the domain's `quota_use` over the company's registrations, whatever their statuses and
ends, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert

from benchmarks.dataset import insert_partners, partner_id
from bot.adapters.orm import RegistrationRow
from bot.bootstrap import Runtime
from bot.domain.model import ACTIVE_STATUSES
from bot.domain.policy import quota_use

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


def row(n: int, partner: str, status: str, valid_until: datetime | None) -> dict[str, Any]:
    return {
        "partner_id": partner,
        "customer_name": f"Customer {n}",
        "email": f"c{n}@kunde.example",
        "country": "DE",
        "status": status,
        "reasons": [],
        "created_at": NOW - timedelta(days=20),
        "created_by": "UTEST",
        "valid_until": valid_until,
        "review_due": NOW + timedelta(days=2) if status == "pending_review" else None,
    }


def test_the_counted_quota_agrees_with_the_domain_at_every_moment(runtime: Runtime) -> None:
    insert_partners(runtime.engine, 3)
    ends = [NOW + timedelta(hours=h) for h in (-30, -1, 0, 1, 5, 48)]
    rows = [
        row(n, partner_id(0), status, end)
        for n, (status, end) in enumerate(
            [("preregistered", e) for e in ends]
            + [("pending_review", None), ("pending_review", None)]
            + [("associated", ends[4]), ("rejected", None), ("expired", ends[0])]
            + [("deleted", ends[5]), ("preregistered", None)]
        )
    ]
    rows.append(row(99, partner_id(1), "preregistered", ends[5]))  # another company's
    with runtime.engine.begin() as connection:
        connection.execute(insert(RegistrationRow), rows)
    policy = runtime.context.policy
    for partner in (partner_id(0), partner_id(1), partner_id(2)):
        for now in [NOW + timedelta(hours=h) for h in (-40, -1, 0, 0.5, 3, 100)]:
            with runtime.context.read() as uow:
                counted = uow.registrations.quota_held(partner, now)
                loaded = uow.registrations.of_partner(partner, tuple(ACTIVE_STATUSES))
            expected = quota_use(loaded, policy, now)
            assert counted == (expected.held, expected.next_expiry), (partner, now)
    with runtime.context.read() as uow:
        assert uow.registrations.quota_held(partner_id(0), NOW) == (5, ends[3])
