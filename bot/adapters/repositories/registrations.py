"""Registrations: conflicts, quota, the periodic jobs' queries, and their row mapping."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.adapters.orm import (
    RegistrationRow,
)
from bot.domain.model import (
    ACTIVE_STATUSES,
    Customer,
    Reason,
    ReasonCode,
    Registration,
    Status,
)
from bot.domain.questions import Question
from bot.services.ports import (
    Conflict,
)

ACTIVE = [s.value for s in ACTIVE_STATUSES]


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
        return [registration_from_row(row) for row in self.session.scalars(query)]

    def of_partner(
        self, partner_id: str, statuses: Sequence[Status] | None = None
    ) -> Sequence[Registration]:
        query = select(RegistrationRow).where(RegistrationRow.partner_id == partner_id)
        if statuses is not None:
            query = query.where(RegistrationRow.status.in_([s.value for s in statuses]))
        query = query.order_by(RegistrationRow.created_at.desc(), RegistrationRow.id.desc())
        return [registration_from_row(row) for row in self.session.scalars(query)]

    def ended_since(self, partner_id: str, since: datetime) -> Sequence[Registration]:
        query = (
            select(RegistrationRow)
            .where(RegistrationRow.partner_id == partner_id, RegistrationRow.ended_at >= since)
            .order_by(RegistrationRow.ended_at.desc(), RegistrationRow.id.desc())
        )
        return [registration_from_row(row) for row in self.session.scalars(query)]

    def pending_reviews(self) -> Sequence[Registration]:
        query = (
            select(RegistrationRow)
            .where(RegistrationRow.status == Status.PENDING_REVIEW.value)
            .order_by(RegistrationRow.review_due, RegistrationRow.id)
        )
        return [registration_from_row(row) for row in self.session.scalars(query)]

    def all(self, partner_id: str | None = None) -> Sequence[Registration]:
        query = select(RegistrationRow).order_by(RegistrationRow.id)
        if partner_id is not None:
            query = query.where(RegistrationRow.partner_id == partner_id)
        return [registration_from_row(row) for row in self.session.scalars(query)]

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
        return [registration_from_row(row) for row in self.session.scalars(query)]

    def recent(self, since: datetime) -> Sequence[Registration]:
        query = (
            select(RegistrationRow)
            .where(or_(RegistrationRow.status.in_(ACTIVE), RegistrationRow.created_at >= since))
            .order_by(RegistrationRow.created_at.desc(), RegistrationRow.id.desc())
        )
        return [registration_from_row(row) for row in self.session.scalars(query)]

    def unanswered(self, now: datetime, limit: int) -> Sequence[Registration]:
        query = (
            select(RegistrationRow)
            .where(
                RegistrationRow.status == Status.PENDING_REVIEW.value,
                RegistrationRow.question_lapses_at <= now,
            )
            .order_by(RegistrationRow.question_lapses_at, RegistrationRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [registration_from_row(row) for row in self.session.scalars(query)]

    def due_to_expire(self, now: datetime, limit: int) -> Sequence[Registration]:
        query = (
            select(RegistrationRow)
            .where(
                RegistrationRow.status == Status.PREREGISTERED.value,
                RegistrationRow.valid_until <= now,
            )
            .order_by(RegistrationRow.valid_until, RegistrationRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [registration_from_row(row) for row in self.session.scalars(query)]


def registration_from_row(row: RegistrationRow) -> Registration:
    return Registration(
        id=row.id,
        partner_id=row.partner_id,
        customer=Customer(
            name=row.customer_name,
            country=row.country,
            email=row.email,
            mobile=row.mobile,
            industry=row.industry,
            notes=row.notes,
        ),
        status=Status(row.status),
        created_at=row.created_at,
        created_by=row.created_by,
        reasons=tuple(reason_from_json(r) for r in row.reasons or ()),
        justification=row.justification,
        valid_until=row.valid_until,
        review_due=row.review_due,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        decision_note=row.decision_note,
        extensions=row.extensions or 0,
        ended_at=row.ended_at,
        question=_question_from_row(row),
        extension_request=row.extension_request_id,
    )


def _question_from_row(row: RegistrationRow) -> Question | None:
    if row.question is None or row.question_asked_at is None:
        return None
    assert row.question_remind_at is not None and row.question_lapses_at is not None
    return Question(
        row.question,
        row.question_asked_by or "",
        row.question_asked_at,
        row.question_remind_at,
        row.question_lapses_at,
    )


def registration_to_row(registration: Registration, row: RegistrationRow) -> RegistrationRow:
    customer = registration.customer
    row.partner_id = registration.partner_id
    row.customer_name = customer.name
    row.email = customer.email
    row.mobile = customer.mobile
    row.country = customer.country
    row.industry = customer.industry
    row.notes = customer.notes
    row.status = registration.status.value
    row.reasons = [reason_to_json(r) for r in registration.reasons]
    row.justification = registration.justification
    row.created_at = registration.created_at
    row.created_by = registration.created_by
    row.valid_until = registration.valid_until
    row.review_due = registration.review_due
    row.decided_by = registration.decided_by
    row.decided_at = registration.decided_at
    row.decision_note = registration.decision_note
    row.extensions = registration.extensions
    row.ended_at = registration.ended_at
    question = registration.question
    row.question = question.text if question else None
    row.question_asked_by = question.asked_by if question else None
    row.question_asked_at = question.asked_at if question else None
    row.question_remind_at = question.remind_at if question else None
    row.question_lapses_at = question.lapses_at if question else None
    row.extension_request_id = registration.extension_request
    return row


def reason_to_json(reason: Reason) -> dict[str, Any]:
    return {"code": reason.code.value, "evidence": dict(reason.evidence)}


def reason_from_json(data: dict[str, Any]) -> Reason:
    return Reason(ReasonCode(data["code"]), dict(data.get("evidence") or {}))
