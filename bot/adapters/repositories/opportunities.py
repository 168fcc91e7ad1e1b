"""Opportunities, and what the lists show of them under each customer."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.adapters.orm import OpportunityRow
from bot.adapters.repositories.by_id import ById
from bot.adapters.repositories.columns import copy_named, named
from bot.domain.opportunities import CLOSED, Opportunity, Stage

_CENT = Decimal("0.01")
_CHUNK = 500  # ids per IN (…): well under every database's parameter limit
_SAME = ("registration_id", "name", "notes", "created_by", "created_at", "updated_at")


class SqlOpportunities(ById[Opportunity, OpportunityRow]):
    def __init__(self, session: Session) -> None:
        super().__init__(session, OpportunityRow, from_row, to_row)

    def add(self, opportunity: Opportunity) -> Opportunity:
        row = to_row(opportunity, OpportunityRow())
        self.session.add(row)
        self.session.flush()
        return from_row(row)

    def of_registrations(
        self, registration_ids: Collection[int]
    ) -> dict[int, Sequence[Opportunity]]:
        """Each registration's opportunities, by close date; none for those without."""
        found: dict[int, list[Opportunity]] = {}
        ids = sorted(set(registration_ids))
        for start in range(0, len(ids), _CHUNK):
            query = (
                select(OpportunityRow)
                .where(OpportunityRow.registration_id.in_(ids[start : start + _CHUNK]))
                .order_by(OpportunityRow.close_date, OpportunityRow.id)
            )
            for row in self.session.scalars(query):
                found.setdefault(row.registration_id, []).append(from_row(row))
        return dict(found)

    def open_count(self, registration_id: int) -> int:
        query = select(func.count(OpportunityRow.id)).where(
            OpportunityRow.registration_id == registration_id,
            OpportunityRow.stage.not_in([s.value for s in CLOSED]),
        )
        return int(self.session.scalar(query) or 0)


def to_row(opportunity: Opportunity, row: OpportunityRow) -> OpportunityRow:
    copy_named(opportunity, row, _SAME)
    row.amount_cents = int(opportunity.amount * 100)
    row.currency = opportunity.currency
    row.close_date = opportunity.close_date
    row.stage = opportunity.stage.value
    return row


def from_row(row: OpportunityRow) -> Opportunity:
    # Opportunities from before amounts and dates were asked for have none: zero, and the
    # day they were made.
    return Opportunity(
        **named(row, _SAME),
        amount=(Decimal(row.amount_cents or 0) * _CENT).quantize(_CENT),
        currency=row.currency or "",
        close_date=row.close_date or row.created_at.date(),
        stage=Stage(row.stage),
        id=row.id,
    )
