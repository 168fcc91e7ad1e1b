"""The outbox of messages owed, and the reminders already sent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.adapters.orm.base import Base, index_where

WAITING_SQL = "status = 'pending' AND claimed_until IS NULL"


class OutboxRow(Base):
    """A message owed to Slack (or email), written in the transaction that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        # A commit that owes App Home refreshes looks up those already waiting, to write no
        # second one; without it each lookup read every pending row (a sweep writes
        # thousands).
        index_where("ix_outbox_waiting", "kind", "recipient", where=WAITING_SQL),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))
    recipient: Mapped[str] = mapped_column(String(64))
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id"), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    claimed_until: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    """Which process holds the claim (host:pid:start), so that its successor can release it."""
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ReminderRow(Base):
    """A checkpoint reached: the unique key makes each reminder happen once, across replicas."""

    __tablename__ = "reminders"
    # Keyed by the moment: an extended registration reaches new checkpoints.
    __table_args__ = (UniqueConstraint("registration_id", "nudge", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id"))
    nudge: Mapped[str] = mapped_column(String(20))
    offset_seconds: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime]
    recorded_at: Mapped[datetime]
    sent: Mapped[bool] = mapped_column(Boolean)
