"""Who a commit's registrations freed, and who waits for them: two queries for a whole
batch (an expiry run ends hundreds) rather than two per registration."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.orm import RegistrationRow, WaitEntryRow
from bot.adapters.repositories.registration_rows import registration_from_row
from bot.adapters.repositories.registrations import ACTIVE
from bot.adapters.repositories.waitlist import WAITING, entry_from_row
from bot.domain.model import Customer
from bot.domain.waitlist import WaitEntry

CHUNK = 500  # values per IN list: well inside every database's limit on parameters


class Freed:
    """Built once per commit, for the customers of the registrations it changed; both reads
    lock what they return, as the one-at-a-time reads did."""

    def __init__(self, session: Session, customers: Iterable[Customer]) -> None:
        emails = sorted({c.email for c in customers if c.email})
        mobiles = sorted({c.mobile for c in customers if c.mobile})
        rows = _matching(session, RegistrationRow, emails, mobiles, ACTIVE)
        self.active = [registration_from_row(row) for row in rows]
        entries = [entry_from_row(row) for row in _matching(session, WaitEntryRow, emails, mobiles)]
        self.waiting = sorted(entries, key=lambda e: (e.created_at, e.id or 0))

    def still_held(self, customer: Customer, now: datetime) -> bool:
        keys = _keys(customer)
        return any(_keys(r.customer) & keys and r.is_active(now) for r in self.active)

    def waiting_for(self, customer: Customer, now: datetime) -> list[WaitEntry]:
        """Entries not yet told, first come first; the caller marks them told."""
        keys = _keys(customer)
        return [e for e in self.waiting if _keys(e.customer) & keys and e.is_waiting(now)]


def _keys(customer: Customer) -> set[tuple[str, str]]:
    keys = set()
    if customer.email:
        keys.add(("email", customer.email))
    if customer.mobile:
        keys.add(("mobile", customer.mobile))
    return keys


def _matching(
    session: Session,
    row: Any,  # RegistrationRow or WaitEntryRow: both have email, mobile and status
    emails: Sequence[str],
    mobiles: Sequence[str],
    statuses: Sequence[str] = (WAITING,),
) -> list[Any]:
    found: dict[int, Any] = {}
    for column, values in ((row.email, emails), (row.mobile, mobiles)):
        for start in range(0, len(values), CHUNK):
            query = (
                select(row)
                .where(
                    column.in_(values[start : start + CHUNK]),
                    # `|| ''` keeps SQLite from walking the status index instead of the
                    # email or mobile one (it would read every active registration).
                    row.status.concat("").in_(list(statuses)),
                )
                .order_by(row.id)
                .with_for_update()
            )
            found.update((r.id, r) for r in session.scalars(query))
    return list(found.values())
