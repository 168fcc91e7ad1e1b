"""Each user's App Home as our latest publish left it: its hash and what the user chose."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.adapters.orm import HomeViewRow
from bot.services.ports import HomeRecord


class SqlHomeViews:
    def __init__(self, session: Session) -> None:
        self.session = session

    def latest(self, user_id: str) -> HomeRecord:
        row = self.session.get(HomeViewRow, user_id)
        if row is None:
            return HomeRecord()
        return HomeRecord(row.hash, row.search, row.section, row.page)

    def published(self, user_id: str, record: HomeRecord, now: datetime) -> None:
        values = {
            "hash": record.hash,
            "published_at": now,
            "search": record.search,
            "section": record.section,
            "page": record.page,
        }
        row = self.session.get(HomeViewRow, user_id, with_for_update=True)
        if row is None:
            try:
                with self.session.begin_nested():
                    self.session.add(HomeViewRow(slack_user_id=user_id, **values))
                return
            except IntegrityError:  # another publisher's first row for the user came first
                row = self.session.get_one(HomeViewRow, user_id, with_for_update=True)
        for name, value in values.items():
            setattr(row, name, value)
