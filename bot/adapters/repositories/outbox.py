"""The durable outbox: rows owed to Slack, claimed with a lease."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.adapters.orm import (
    OutboxRow,
)
from bot.services.ports import (
    Delivery,
    Kind,
    Notification,
    OutboxEntry,
    OutboxStatus,
    Sent,
)

COALESCED = frozenset({Kind.HOME_REFRESH, Kind.MESSAGES_REFRESH})


class SqlOutbox:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.added = 0

    def add(self, notification: Notification, now: datetime) -> None:
        if notification.kind in COALESCED and self._waiting(notification, now):
            return
        self.session.add(
            OutboxRow(
                kind=notification.kind.value,
                recipient=notification.recipient,
                registration_id=notification.registration_id,
                payload=notification.payload,
                status=OutboxStatus.PENDING,
                attempts=0,
                created_at=now,
                next_attempt_at=now,
                result={},
            )
        )
        self.added += 1

    def _waiting(self, notification: Notification, now: datetime) -> bool:
        """A refresh not yet taken by any sender will show this change too: no second one.

        The waiting row is locked until commit, so a sender claims it (skip_locked) only
        after this transaction's change is visible to it.
        """
        query = (
            select(OutboxRow.id)
            .where(
                OutboxRow.kind == notification.kind.value,
                OutboxRow.recipient == notification.recipient,
                OutboxRow.status == OutboxStatus.PENDING,
                OutboxRow.claimed_until.is_(None),
                OutboxRow.next_attempt_at <= now,
            )
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if notification.kind is Kind.MESSAGES_REFRESH:
            query = query.where(OutboxRow.registration_id == notification.registration_id)
        return self.session.scalars(query).first() is not None

    def claim(
        self, now: datetime, lease: timedelta, limit: int, owner: str | None = None
    ) -> Sequence[Delivery]:
        free = or_(OutboxRow.claimed_until.is_(None), OutboxRow.claimed_until <= now)
        query = (
            select(OutboxRow)
            .where(OutboxRow.status == OutboxStatus.PENDING, OutboxRow.next_attempt_at <= now, free)
            .order_by(OutboxRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        claimed = []
        for row in self.session.scalars(query):
            row.claimed_until, row.claimed_by = now + lease, owner
            row.attempts += 1
            notification = Notification(
                Kind(row.kind), row.recipient, row.registration_id, dict(row.payload)
            )
            claimed.append(Delivery(row.id, notification, row.attempts))
        self.session.flush()
        return claimed

    def claim_owners(self, now: datetime) -> set[str]:
        query = select(OutboxRow.claimed_by).distinct()
        query = query.where(
            OutboxRow.status == OutboxStatus.PENDING,
            OutboxRow.claimed_until > now,
            OutboxRow.claimed_by.is_not(None),
        )
        return {owner for owner in self.session.scalars(query) if owner}

    def release(self, owner: str, now: datetime) -> int:
        query = (
            select(OutboxRow)
            .where(
                OutboxRow.claimed_by == owner,
                OutboxRow.status == OutboxStatus.PENDING,
                OutboxRow.claimed_until > now,
            )
            .with_for_update(skip_locked=True)
        )
        released = 0
        for row in self.session.scalars(query):  # claimed, so due already: due now
            row.claimed_until = row.claimed_by = None
            released += 1
        return released

    def sent(self, delivery_id: int, now: datetime, result: dict[str, Any]) -> None:
        row = self.session.get_one(OutboxRow, delivery_id)
        row.status, row.sent_at, row.result = OutboxStatus.SENT, now, result
        row.claimed_until = None

    def retry(self, delivery_id: int, at: datetime, error: str) -> None:
        row = self.session.get_one(OutboxRow, delivery_id)
        row.next_attempt_at, row.last_error, row.claimed_until = at, error, None

    def dead(self, delivery_id: int, now: datetime, error: str) -> None:
        row = self.session.get_one(OutboxRow, delivery_id)
        row.status, row.last_error, row.claimed_until = OutboxStatus.DEAD, error, None

    def entries(self, failed_only: bool, limit: int) -> Sequence[OutboxEntry]:
        query = select(OutboxRow).order_by(OutboxRow.id.desc()).limit(limit)
        if failed_only:
            query = query.where(OutboxRow.status == OutboxStatus.DEAD)
        return [
            OutboxEntry(
                id=row.id,
                kind=row.kind,
                recipient=row.recipient,
                registration_id=row.registration_id,
                status=row.status,
                attempts=row.attempts,
                created_at=row.created_at,
                next_attempt_at=row.next_attempt_at,
                sent_at=row.sent_at,
                last_error=row.last_error,
            )
            for row in self.session.scalars(query)
        ]

    def revive(self, delivery_id: int, now: datetime) -> bool:
        row = self.session.get(OutboxRow, delivery_id, with_for_update=True)
        if row is None or row.status != OutboxStatus.DEAD:
            return False
        row.status, row.next_attempt_at, row.attempts, row.claimed_until = (
            OutboxStatus.PENDING,
            now,
            0,
            None,
        )
        return True

    def skipped(self, delivery_id: int, now: datetime, reason: str) -> None:
        row = self.session.get_one(OutboxRow, delivery_id)
        row.status, row.sent_at, row.last_error, row.claimed_until = (
            OutboxStatus.SKIPPED,
            now,
            reason,
            None,
        )

    def result_of(self, kind: Kind, registration_id: int) -> dict[str, Any] | None:
        query = select(OutboxRow.result).where(
            OutboxRow.kind == kind.value,
            OutboxRow.registration_id == registration_id,
            OutboxRow.status == OutboxStatus.SENT,
        )
        result = self.session.scalars(query.order_by(OutboxRow.id).limit(1)).first()
        return dict(result) if result else None

    def sent_to(
        self, recipient: str, registration_id: int, kinds: Sequence[Kind]
    ) -> Sequence[Sent]:
        query = (
            select(OutboxRow)
            .where(
                OutboxRow.recipient == recipient,
                OutboxRow.registration_id == registration_id,
                OutboxRow.kind.in_([k.value for k in kinds]),
                OutboxRow.status == OutboxStatus.SENT,
            )
            .order_by(OutboxRow.id)
        )
        return [
            Sent(
                Kind(row.kind), dict(row.payload), str(row.result["channel"]), str(row.result["ts"])
            )
            for row in self.session.scalars(query)
            if row.result.get("channel") and row.result.get("ts")
        ]
