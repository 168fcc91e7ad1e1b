"""Checkpoints reached, claimed once."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import Table, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.adapters.orm import ReminderRow
from bot.domain.reminders import Checkpoint, Nudge


class SqlReminders:
    def __init__(self, session: Session) -> None:
        self.session = session

    def recorded(self, registration_id: int) -> set[tuple[Nudge, datetime]]:
        query = select(ReminderRow.nudge, ReminderRow.due_at).where(
            ReminderRow.registration_id == registration_id
        )
        return {(Nudge(nudge), at) for nudge, at in self.session.execute(query)}

    def recorded_many(self, registration_ids: Collection[int]) -> set[tuple[int, Nudge, datetime]]:
        query = select(ReminderRow.registration_id, ReminderRow.nudge, ReminderRow.due_at).where(
            ReminderRow.registration_id.in_(list(registration_ids))
        )
        return {(rid, Nudge(nudge), at) for rid, nudge, at in self.session.execute(query)}

    def record_many(
        self, claims: Sequence[tuple[int, Checkpoint, bool]], now: datetime
    ) -> set[tuple[int, Nudge, datetime]]:
        """One INSERT … ON CONFLICT DO NOTHING; what it returns is what this caller won."""
        if not claims:
            return set()
        rows = [
            {
                "registration_id": registration_id,
                "nudge": checkpoint.nudge.value,
                "offset_seconds": int(checkpoint.offset.total_seconds()),
                "due_at": checkpoint.at,
                "recorded_at": now,
                "sent": sent,
            }
            for registration_id, checkpoint, sent in claims
        ]
        table: Table = ReminderRow.__table__  # type: ignore[assignment]
        dialect = self.session.get_bind().dialect.name
        make = postgresql_insert if dialect == "postgresql" else sqlite_insert
        # executemany, which SQLAlchemy sends as a few multi-row INSERTs of one cached form.
        statement = (
            make(table)
            .on_conflict_do_nothing()
            .returning(table.c.registration_id, table.c.nudge, table.c.due_at)
        )
        won = self.session.execute(statement, rows)
        return {(rid, Nudge(nudge), at) for rid, nudge, at in won}

    def record(
        self, registration_id: int, checkpoint: Checkpoint, sent: bool, now: datetime
    ) -> bool:
        row = ReminderRow(
            registration_id=registration_id,
            nudge=checkpoint.nudge.value,
            offset_seconds=int(checkpoint.offset.total_seconds()),
            due_at=checkpoint.at,
            recorded_at=now,
            sent=sent,
        )
        try:
            with self.session.begin_nested():
                self.session.add(row)
        except IntegrityError:
            return False
        return True
