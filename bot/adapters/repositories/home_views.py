"""The hash of each user's latest App Home publish."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.adapters.orm import HomeViewRow


class SqlHomeViews:
    def __init__(self, session: Session) -> None:
        self.session = session

    def hash_of(self, user_id: str) -> str | None:
        row = self.session.get(HomeViewRow, user_id)
        return row.hash if row else None

    def published(self, user_id: str, hash: str, now: datetime) -> None:
        row = self.session.get(HomeViewRow, user_id, with_for_update=True)
        if row is not None:
            row.hash, row.published_at = hash, now
            return
        try:
            with self.session.begin_nested():
                self.session.add(HomeViewRow(slack_user_id=user_id, hash=hash, published_at=now))
        except IntegrityError:  # another publisher's first row for the user came first
            row = self.session.get_one(HomeViewRow, user_id, with_for_update=True)
            row.hash, row.published_at = hash, now
