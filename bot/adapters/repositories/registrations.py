"""Registrations: conflicts, quota, the periodic jobs' queries.

The row mapping is in bot/adapters/repositories/registration_rows.py."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Select, and_, bindparam, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from bot.adapters.orm import RegistrationRow
from bot.adapters.repositories.registration_rows import registration_from_row, registration_to_row
from bot.domain.model import ACTIVE_STATUSES, Customer, Registration, Status
from bot.services.ports import Conflict

ACTIVE = [s.value for s in ACTIVE_STATUSES]

_QUOTA = select(func.count(), func.min(RegistrationRow.valid_until)).where(
    RegistrationRow.partner_id == bindparam("partner_id"),
    or_(
        RegistrationRow.status == Status.PENDING_REVIEW.value,
        and_(
            RegistrationRow.status == Status.PREREGISTERED.value,
            RegistrationRow.valid_until > bindparam("now"),
        ),
    ),
)
"""The company's registrations active at `now` (as `Registration.is_active` says)."""


class SqlRegistrations:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.seen: dict[int, Registration] = {}
        """Registrations this unit of work changed (by object): their events become messages."""

    def add(self, registration: Registration) -> Registration:
        row = registration_to_row(registration, RegistrationRow())
        # No savepoint (two more round trips): a lost race ends the unit of work, and the
        # use case tries again in a new one, where the rules see the winner.
        self.session.add(row)
        try:
            self.session.flush()
        except IntegrityError as lost:
            raise Conflict(str(lost.orig)) from lost
        registration.id = row.id
        self.touched(registration)
        return registration

    def get(self, registration_id: int, *, lock: bool = False) -> Registration | None:
        row = self.session.get(RegistrationRow, registration_id, with_for_update=lock)
        return registration_from_row(row) if row else None

    def save(self, registration: Registration) -> None:
        assert registration.id is not None
        row = self.session.get_one(RegistrationRow, registration.id)
        registration_to_row(registration, row)
        try:
            self.session.flush()
        except IntegrityError as lost:
            raise Conflict(str(lost.orig)) from lost
        self.touched(registration)

    def save_many(self, registrations: Sequence[Registration]) -> None:
        """Loaded in this unit of work and leaving the active statuses: one flush for all,
        since no uniqueness can be lost that way."""
        ids = [registration.id for registration in registrations]
        # One query: the session keeps no unchanged row alive, so get() would ask each.
        rows = self.session.scalars(select(RegistrationRow).where(RegistrationRow.id.in_(ids)))
        by_id = {row.id: row for row in rows}
        for registration in registrations:
            assert registration.id is not None
            registration_to_row(registration, by_id[registration.id])
            self.touched(registration)
        self.session.flush()

    def touched(self, registration: Registration) -> None:
        """Hand on its events at commit, also when nothing was stored (a reminder reached)."""
        self.seen.setdefault(id(registration), registration)

    def conflicting(self, customer: Customer) -> Sequence[Registration]:
        same = []
        if customer.email:
            same.append(RegistrationRow.email == customer.email)
        if customer.mobile:
            same.append(RegistrationRow.mobile == customer.mobile)
        query = (
            select(RegistrationRow)
            .where(RegistrationRow.status.in_(ACTIVE), or_(*same))
            .order_by(RegistrationRow.id)
            .with_for_update()
        )
        return self._loaded(query)

    def quota_held(self, partner_id: str, now: datetime) -> tuple[int, datetime | None]:
        # Counted here rather than loaded (it runs inside every submission's write, and a
        # company holds up to its quota, 100, of rows), by a statement built once.
        found = self.session.connection().execute(_QUOTA, {"partner_id": partner_id, "now": now})
        held, soonest = found.one()
        return int(held), soonest

    def of_partner(
        self, partner_id: str, statuses: Sequence[Status] | None = None
    ) -> Sequence[Registration]:
        query = select(RegistrationRow).where(RegistrationRow.partner_id == partner_id)
        if statuses is not None:
            query = query.where(RegistrationRow.status.in_([s.value for s in statuses]))
        query = query.order_by(RegistrationRow.created_at.desc(), RegistrationRow.id.desc())
        return self._loaded(query)

    def ended_since(self, partner_id: str, since: datetime) -> Sequence[Registration]:
        query = (
            select(RegistrationRow)
            .where(RegistrationRow.partner_id == partner_id, RegistrationRow.ended_at >= since)
            .order_by(RegistrationRow.ended_at.desc(), RegistrationRow.id.desc())
        )
        return self._loaded(query)

    def pending_reviews(self) -> Sequence[Registration]:
        query = (
            select(RegistrationRow)
            .where(RegistrationRow.status == Status.PENDING_REVIEW.value)
            .order_by(RegistrationRow.review_due, RegistrationRow.id)
        )
        return self._loaded(query)

    def all(self, partner_id: str | None = None) -> Sequence[Registration]:
        query = select(RegistrationRow).order_by(RegistrationRow.id)
        if partner_id is not None:
            query = query.where(RegistrationRow.partner_id == partner_id)
        return self._loaded(query)

    def awaiting_checkpoints(
        self, now: datetime, horizon: timedelta, after: int = 0, limit: int | None = None
    ) -> Sequence[Registration]:
        pending = RegistrationRow.status == Status.PENDING_REVIEW.value
        ending = and_(
            RegistrationRow.status == Status.PREREGISTERED.value,
            RegistrationRow.valid_until > now,
            RegistrationRow.valid_until <= now + horizon,
        )
        query = (
            select(RegistrationRow)
            .where(or_(pending, ending), RegistrationRow.id > after)
            .order_by(RegistrationRow.id)
            .limit(limit)
        )
        return self._loaded(query)

    def recent(self, since: datetime) -> Sequence[Registration]:
        query = (
            select(RegistrationRow)
            .where(or_(RegistrationRow.status.in_(ACTIVE), RegistrationRow.created_at >= since))
            .order_by(RegistrationRow.created_at.desc(), RegistrationRow.id.desc())
        )
        return self._loaded(query)

    def unanswered(self, now: datetime, limit: int) -> Sequence[Registration]:
        return self._due(Status.PENDING_REVIEW, RegistrationRow.question_lapses_at, now, limit)

    def due_to_expire(self, now: datetime, limit: int) -> Sequence[Registration]:
        return self._due(Status.PREREGISTERED, RegistrationRow.valid_until, now, limit)

    def _due(
        self,
        status: Status,
        moment: InstrumentedAttribute[datetime | None],
        now: datetime,
        limit: int,
    ) -> Sequence[Registration]:
        """The oldest `limit` of `status` whose `moment` has come, locked for the caller's job;
        rows another job holds are left to it (skip locked)."""
        query = (
            select(RegistrationRow)
            .where(RegistrationRow.status == status.value, moment <= now)
            .order_by(moment, RegistrationRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return self._loaded(query)

    def _loaded(self, query: Select[RegistrationRow]) -> list[Registration]:
        return [registration_from_row(row) for row in self.session.scalars(query)]
