"""Claiming due outbox rows: for a lease, in the name of an owner, and (in order) none of a
lane another claimer has in flight."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from bot.adapters.orm import OutboxRow
from bot.services.lanes import APART, APART_SUFFIX
from bot.services.ports import Delivery, Kind, Notification, OutboxStatus

CLAIMING = 0x6F7574626F78  # the advisory lock that orders claims by lane on PostgreSQL


def claim_rows(
    session: Session,
    now: datetime,
    lease: timedelta,
    limit: int,
    owner: str | None,
    in_order: bool,
) -> Sequence[Delivery]:
    free = or_(OutboxRow.claimed_until.is_(None), OutboxRow.claimed_until <= now)
    due = [OutboxRow.status == OutboxStatus.PENDING, OutboxRow.next_attempt_at <= now, free]
    if in_order:
        if session.get_bind().dialect.name == "postgresql":
            # One claimer at a time, each seeing the claims committed before it: two at
            # once could each take rows of one recipient. (SQLite has one writer anyway.)
            session.execute(select(func.pg_advisory_xact_lock(CLAIMING)))
        held = aliased(OutboxRow)
        busy = select(_lane(held)).where(
            held.status == OutboxStatus.PENDING, held.claimed_until > now
        )
        due.append(_lane(OutboxRow).not_in(busy))
    query = (
        select(OutboxRow)
        .where(*due)
        .order_by(OutboxRow.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claimed = []
    for row in session.scalars(query):
        row.claimed_until, row.claimed_by = now + lease, owner
        row.attempts += 1
        notification = Notification(
            Kind(row.kind), row.recipient, row.registration_id, dict(row.payload)
        )
        claimed.append(Delivery(row.id, notification, row.attempts))
    session.flush()
    return claimed


def _lane(rows: type[OutboxRow]) -> ColumnElement[str]:
    """bot.services.lanes.lane_of in SQL."""
    apart = [kind.value for kind in APART]
    return case((rows.kind.in_(apart), rows.recipient + APART_SUFFIX), else_=rows.recipient)
