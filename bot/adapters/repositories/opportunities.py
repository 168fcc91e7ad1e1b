"""Opportunities."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.adapters.orm import (
    OpportunityRow,
)
from bot.domain.model import (
    Opportunity,
)


class SqlOpportunities:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, opportunity: Opportunity) -> Opportunity:
        row = OpportunityRow(
            registration_id=opportunity.registration_id,
            title=opportunity.title,
            created_by=opportunity.created_by,
            created_at=opportunity.created_at,
        )
        self.session.add(row)
        self.session.flush()
        return Opportunity(
            opportunity.registration_id,
            opportunity.title,
            opportunity.created_by,
            opportunity.created_at,
            id=row.id,
        )
