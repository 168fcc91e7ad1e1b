"""The durable outbox: rows owed to Slack, claimed with a lease."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert, select, text
from sqlalchemy.orm import Session

from bot.adapters.orm import OutboxRow
from bot.adapters.orm.outbox import WAITING_SQL
from bot.adapters.repositories.columns import named
from bot.adapters.repositories.outbox_claims import claim_rows
from bot.services.ports import Delivery, Kind, Notification, OutboxEntry, OutboxStatus, Sent

COALESCED = frozenset({Kind.HOME_REFRESH, Kind.MESSAGES_REFRESH})


class SqlOutbox:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.added = 0
        self.pending: list[tuple[Notification, datetime]] = []
        """Written with one executemany before the session's next statement or commit."""
        self._refreshes: set[tuple[str, str, int | None]] = set()

    def add(self, notification: Notification, now: datetime) -> None:
        self.pending.append((notification, now))

    def write_pending(self, connection: Connection) -> None:
        if not self.pending:
            return
        pending, self.pending = self.pending, []
        self._refreshes |= _waiting(
            connection, [(n, at) for n, at in pending if n.kind in COALESCED]
        )
        rows = []
        for notification, now in pending:
            if notification.kind in COALESCED:
                key = _refresh_key(notification)
                if key in self._refreshes:
                    continue
                self._refreshes.add(key)
            rows.append(
                {
                    "kind": notification.kind.value,
                    "recipient": notification.recipient,
                    "registration_id": notification.registration_id,
                    "payload": notification.payload,
                    "status": OutboxStatus.PENDING.value,
                    "attempts": 0,
                    "created_at": now,
                    "next_attempt_at": now,
                    "result": {},
                }
            )
        if rows:
            connection.execute(insert(OutboxRow), rows)
            self.added += len(rows)

    def claim(
        self, now: datetime, lease: timedelta, limit: int, owner: str | None = None
    ) -> Sequence[Delivery]:
        return claim_rows(self.session, now, lease, limit, owner, in_order=False)

    def claim_in_order(
        self, now: datetime, lease: timedelta, limit: int, owner: str | None = None
    ) -> Sequence[Delivery]:
        return claim_rows(self.session, now, lease, limit, owner, in_order=True)

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

    def unclaim(self, delivery_ids: Sequence[int]) -> None:
        for delivery_id in delivery_ids:
            row = self.session.get_one(OutboxRow, delivery_id)
            row.claimed_until = row.claimed_by = None
            row.attempts -= 1  # the claim counted a try that was not made

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
        # An entry is its row's columns of the same names.
        names = [field.name for field in fields(OutboxEntry)]
        return [OutboxEntry(**named(row, names)) for row in self.session.scalars(query)]

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


def _refresh_key(notification: Notification) -> tuple[str, str, int | None]:
    per_registration = notification.kind is Kind.MESSAGES_REFRESH
    return (
        notification.kind.value,
        notification.recipient,
        notification.registration_id if per_registration else None,
    )


def _waiting(
    connection: Connection, refreshes: Sequence[tuple[Notification, datetime]]
) -> set[tuple[str, str, int | None]]:
    """The refreshes not yet taken by any sender, which will show these changes too: no
    second one. One query per kind and a few hundred recipients.

    The waiting rows are locked until commit, so a sender claims one (skip_locked) only
    after this transaction's change is visible to it.
    """
    if not refreshes:
        return set()
    now = min(at for _, at in refreshes)
    found: set[tuple[str, str, int | None]] = set()
    if connection.dialect.name == "postgresql":
        # A generic plan, cached while the outbox was small, reads every pending row once it
        # has grown (a sweep writes tens of thousands in a minute): plan for it as it is.
        connection.exec_driver_sql("SET LOCAL plan_cache_mode = force_custom_plan")
    for kind in {n.kind for n, _ in refreshes}:
        recipients = sorted({n.recipient for n, _ in refreshes if n.kind is kind})
        for start in range(0, len(recipients), 500):
            query = (
                select(OutboxRow.kind, OutboxRow.recipient, OutboxRow.registration_id)
                .where(
                    OutboxRow.kind == kind.value,
                    OutboxRow.recipient.in_(recipients[start : start + 500]),
                    text(WAITING_SQL),  # as written, so that the partial index applies
                    OutboxRow.next_attempt_at <= now,
                )
                .with_for_update(skip_locked=True)
            )
            for row_kind, recipient, registration_id in connection.execute(query):
                per_registration = kind is Kind.MESSAGES_REFRESH
                found.add((row_kind, recipient, registration_id if per_registration else None))
    return found
