"""The waiting list: entries per company and customer, and their row mapping."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.adapters.orm import WaitEntryRow
from bot.adapters.repositories.by_id import ById
from bot.adapters.repositories.columns import copy_named, customer_from_row, customer_to_row, named
from bot.domain.model import Customer
from bot.domain.waitlist import WaitEntry, WaitStatus

WAITING = WaitStatus.WAITING.value
_SAME = ("partner_id", "slack_user_id", "created_at", "ended_at")


class SqlWaitlist(ById[WaitEntry, WaitEntryRow]):
    def __init__(self, session: Session) -> None:
        super().__init__(session, WaitEntryRow, _from_row, _to_row)

    def add(self, entry: WaitEntry) -> WaitEntry:
        try:
            entry.id = self._insert(entry)
        except IntegrityError:
            # Already waiting (a replayed click, a colleague): that entry stands.
            return self._waiting(entry.customer, entry.partner_id)[0]
        return entry

    def waiting_for(self, customer: Customer, now: datetime) -> Sequence[WaitEntry]:
        return [e for e in self._waiting(customer) if e.is_waiting(now)]

    def of_company(self, partner_id: str, customer: Customer) -> Sequence[WaitEntry]:
        return self._waiting(customer, partner_id)

    def _waiting(self, customer: Customer, partner_id: str | None = None) -> list[WaitEntry]:
        same = []
        if customer.email:
            same.append(WaitEntryRow.email == customer.email)
        if customer.mobile:
            same.append(WaitEntryRow.mobile == customer.mobile)
        query = select(WaitEntryRow).where(WaitEntryRow.status == WAITING, or_(*same))
        if partner_id is not None:
            query = query.where(WaitEntryRow.partner_id == partner_id)
        query = query.order_by(WaitEntryRow.created_at, WaitEntryRow.id).with_for_update()
        return [_from_row(row) for row in self.session.scalars(query)]


def _from_row(row: WaitEntryRow) -> WaitEntry:
    return WaitEntry(
        **named(row, _SAME),
        id=row.id,
        customer=customer_from_row(row),
        status=WaitStatus(row.status),
    )


def _to_row(entry: WaitEntry, row: WaitEntryRow) -> WaitEntryRow:
    copy_named(entry, row, _SAME)
    customer_to_row(entry.customer, row)
    row.status = entry.status.value
    return row


entry_from_row = _from_row  # for the batched reads beside this module
