"""Keys of requests already carried out (idempotency), unique by the database."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.adapters.orm import IdempotencyKeyRow
from bot.services.ports import Conflict


class SqlRequestKeys:
    def __init__(self, session: Session) -> None:
        self.session = session

    def result(self, key: str) -> dict[str, Any] | None:
        # A plain read, no ORM identity cache: a concurrent first request may have
        # committed it since this transaction began (read committed sees it now).
        row = self.session.execute(
            select(IdempotencyKeyRow.result).where(IdempotencyKeyRow.key == key)
        ).first()
        return dict(row[0]) if row is not None else None

    def add(self, key: str, use_case: str, result: dict[str, Any], now: datetime) -> None:
        try:
            with self.session.begin_nested():
                self.session.add(
                    IdempotencyKeyRow(key=key, use_case=use_case, created_at=now, result=result)
                )
        except IntegrityError as taken:
            raise Conflict(str(taken.orig)) from taken

    def prune(self, before: datetime) -> int:
        """Forget the keys older than `before`, in one statement; how many."""
        done = self.session.execute(
            delete(IdempotencyKeyRow).where(IdempotencyKeyRow.created_at < before)
        )
        return int(getattr(done, "rowcount", 0) or 0)
