"""Extension requests and the reviewers' queue filters, and their row mapping."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.adapters.orm import ExtensionRequestRow, QueueFilterRow
from bot.adapters.repositories.by_id import ById
from bot.adapters.repositories.columns import copy_named, named
from bot.domain.extension_requests import ExtensionRequest, ExtensionStatus
from bot.services.ports import Conflict

PENDING = ExtensionStatus.PENDING.value
_SAME = (
    "registration_id",
    "partner_id",
    "requested_by",
    "justification",
    "requested_at",
    "valid_until",
    "extensions",
    "review_due",
    "decided_by",
    "decided_at",
    "decision_note",
)


class SqlExtensionRequests(ById[ExtensionRequest, ExtensionRequestRow]):
    def __init__(self, session: Session) -> None:
        super().__init__(session, ExtensionRequestRow, _from_row, _to_row)

    def add(self, request: ExtensionRequest) -> ExtensionRequest:
        try:
            request.id = self._insert(request)
        except IntegrityError as lost:  # another one is pending for the registration
            raise Conflict(str(lost.orig)) from lost
        return request

    def pending_for(self, registration_id: int) -> ExtensionRequest | None:
        query = select(ExtensionRequestRow).where(
            ExtensionRequestRow.registration_id == registration_id,
            ExtensionRequestRow.status == PENDING,
        )
        row = self.session.scalars(query).first()
        return _from_row(row) if row else None

    def pending(
        self, limit: int | None = None, *, lock: bool = False
    ) -> Sequence[ExtensionRequest]:
        query = (
            select(ExtensionRequestRow)
            .where(ExtensionRequestRow.status == PENDING)
            .order_by(ExtensionRequestRow.review_due, ExtensionRequestRow.id)
            .limit(limit)
        )
        if lock:
            query = query.with_for_update(skip_locked=True)
        return [_from_row(row) for row in self.session.scalars(query)]

    def get_many(self, request_ids: Collection[int]) -> dict[int, ExtensionRequest]:
        if not request_ids:
            return {}
        query = select(ExtensionRequestRow).where(ExtensionRequestRow.id.in_(list(request_ids)))
        return {row.id: _from_row(row) for row in self.session.scalars(query)}


class SqlQueueFilters:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, user_id: str) -> str | None:
        row = self.session.get(QueueFilterRow, user_id)
        return row.choice if row else None

    def set(self, user_id: str, choice: str, now: datetime) -> None:
        row = self.session.get(QueueFilterRow, user_id, with_for_update=True)
        if row is None:
            try:
                with self.session.begin_nested():
                    self.session.add(
                        QueueFilterRow(slack_user_id=user_id, choice=choice, updated_at=now)
                    )
                return
            except IntegrityError:  # the same reviewer's other click got there first
                row = self.session.get_one(QueueFilterRow, user_id, with_for_update=True)
        row.choice, row.updated_at = choice, now
        self.session.flush()


def _from_row(row: ExtensionRequestRow) -> ExtensionRequest:
    return ExtensionRequest(**named(row, _SAME), status=ExtensionStatus(row.status), id=row.id)


def _to_row(request: ExtensionRequest, row: ExtensionRequestRow) -> ExtensionRequestRow:
    copy_named(request, row, _SAME)
    row.status = request.status.value
    return row
