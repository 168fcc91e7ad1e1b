"""Checkpoints reached, claimed once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.adapters.orm import (
    ReminderRow,
)
from bot.domain.reminders import Checkpoint, Nudge


class SqlReminders:
    def __init__(self, session: Session) -> None:
        self.session = session

    def recorded(self, registration_id: int) -> set[tuple[Nudge, datetime]]:
        query = select(ReminderRow.nudge, ReminderRow.due_at).where(
            ReminderRow.registration_id == registration_id
        )
        return {(Nudge(nudge), at) for nudge, at in self.session.execute(query)}

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
