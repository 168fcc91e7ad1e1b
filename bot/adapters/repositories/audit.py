"""The audit trail."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, insert, select
from sqlalchemy.orm import Session

from bot.adapters.orm import AuditRow
from bot.adapters.repositories.columns import named
from bot.domain.model import Status
from bot.services.ports import AuditEntry

_SAME = ("at", "action", "actor", "partner_id", "registration_id", "detail")


class SqlAuditLog:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.pending: list[dict[str, object]] = []
        """Written with one executemany before the session's next statement or commit."""

    def record(self, entry: AuditEntry) -> None:
        self.pending.append(
            {
                **named(entry, _SAME),
                "from_status": entry.from_status.value if entry.from_status else None,
                "to_status": entry.to_status.value if entry.to_status else None,
            }
        )

    def write_pending(self, connection: Connection) -> None:
        if self.pending:
            rows, self.pending = self.pending, []
            connection.execute(insert(AuditRow), rows)

    def for_registration(self, registration_id: int) -> Sequence[AuditEntry]:
        query = (
            select(AuditRow)
            .where(AuditRow.registration_id == registration_id)
            .order_by(AuditRow.id)
        )
        return [_entry(row) for row in self.session.scalars(query)]

    def by_actor(self, actor: str, actions: Sequence[str], limit: int) -> Sequence[AuditEntry]:
        query = (
            select(AuditRow)
            .where(AuditRow.actor == actor, AuditRow.action.in_(list(actions)))
            .order_by(AuditRow.at.desc(), AuditRow.id.desc())
            .limit(limit)
        )
        return [_entry(row) for row in self.session.scalars(query)]

    def times(self, registration_id: int, action: str, since: datetime) -> Sequence[datetime]:
        query = (
            select(AuditRow.at)
            .where(
                AuditRow.registration_id == registration_id,
                AuditRow.action == action,
                AuditRow.at > since,
            )
            .order_by(AuditRow.at, AuditRow.id)
        )
        return list(self.session.scalars(query))


def _entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(
        **named(row, _SAME),
        from_status=Status(row.from_status) if row.from_status else None,
        to_status=Status(row.to_status) if row.to_status else None,
    )
