"""SQLAlchemy implementations of the use cases' storage ports."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.adapters.mapping import (
    directory_key,
    facts_from_row,
    facts_values,
    registration_from_row,
    registration_to_row,
)
from bot.adapters.orm import (
    AuditRow,
    DirectoryEntryRow,
    OpportunityRow,
    OutboxRow,
    PartnerRow,
    PartnerUserRow,
    RegistrationRow,
    ReminderRow,
)
from bot.domain.model import (
    ACTIVE_STATUSES,
    Customer,
    CustomerFacts,
    Opportunity,
    Partner,
    Registration,
    Status,
)
from bot.domain.reminders import Checkpoint, Nudge
from bot.services.ports import (
    AuditEntry,
    Conflict,
    Delivery,
    Kind,
    Notification,
    OutboxEntry,
    Upsert,
)

ACTIVE = [s.value for s in ACTIVE_STATUSES]


class SqlPartners:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, partner_id: str) -> Partner | None:
        row = self.session.get(PartnerRow, partner_id)
        return self._partner(row) if row else None

    def lock(self, partner_id: str) -> Partner | None:
        row = self.session.get(PartnerRow, partner_id, with_for_update=True)
        return self._partner(row) if row else None

    def for_slack_user(self, user_id: str) -> Partner | None:
        link = self.session.get(PartnerUserRow, user_id)
        return self.get(link.partner_id) if link else None

    def add(self, partner: Partner, now: datetime) -> None:
        row = PartnerRow(
            id=partner.id,
            name=partner.name,
            country=partner.country,
            email=partner.email,
            mobile=partner.mobile,
            created_at=now,
        )
        try:
            with self.session.begin_nested():
                self.session.add(row)
                self.session.flush()
                self._link_users(partner)
        except IntegrityError as lost:
            raise Conflict(str(lost.orig)) from lost

    def save(self, partner: Partner) -> None:
        row = self.session.get_one(PartnerRow, partner.id)
        row.name, row.country = partner.name, partner.country
        row.email, row.mobile = partner.email, partner.mobile
        try:
            with self.session.begin_nested():
                self._link_users(partner)
        except IntegrityError as lost:
            raise Conflict(str(lost.orig)) from lost

    def list(self) -> Sequence[Partner]:
        rows = self.session.scalars(select(PartnerRow).order_by(PartnerRow.id))
        return [self._partner(row) for row in rows]

    def _link_users(self, partner: Partner) -> None:
        """New links only: a user linked to another company makes the insert fail."""
        for user_id in partner.slack_user_ids:
            link = self.session.get(PartnerUserRow, user_id)
            if link is None:
                self.session.add(PartnerUserRow(slack_user_id=user_id, partner_id=partner.id))
            elif link.partner_id != partner.id:
                raise IntegrityError("link", None, ValueError(f"{user_id} is linked elsewhere"))
        self.session.flush()

    def _partner(self, row: PartnerRow) -> Partner:
        users = self.session.scalars(
            select(PartnerUserRow.slack_user_id)
            .where(PartnerUserRow.partner_id == row.id)
            .order_by(PartnerUserRow.slack_user_id)
        )
        return Partner(
            id=row.id,
            name=row.name,
            country=row.country,
            email=row.email,
            mobile=row.mobile,
            slack_user_ids=tuple(users),
        )


class SqlRegistrations:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.seen: dict[int, Registration] = {}
        """Registrations this unit of work changed (by object): their events become messages."""

    def add(self, registration: Registration) -> Registration:
        row = registration_to_row(registration, RegistrationRow())
        try:
            with self.session.begin_nested():
                self.session.add(row)
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

    def all(self, partner_id: str | None = None) -> Sequence[Registration]:
        query = select(RegistrationRow).order_by(RegistrationRow.id)
        if partner_id is not None:
            query = query.where(RegistrationRow.partner_id == partner_id)
        return [registration_from_row(row) for row in self.session.scalars(query)]

    def awaiting_checkpoints(self, now: datetime, horizon: timedelta) -> Sequence[Registration]:
        pending = RegistrationRow.status == Status.PENDING_REVIEW.value
        ending = and_(
            RegistrationRow.status == Status.PREREGISTERED.value,
            RegistrationRow.valid_until > now,
            RegistrationRow.valid_until <= now + horizon,
        )
        query = select(RegistrationRow).where(or_(pending, ending)).order_by(RegistrationRow.id)
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


class SqlDirectory:
    def __init__(self, session: Session) -> None:
        self.session = session

    def matching(self, email: str | None, mobile: str | None) -> Sequence[CustomerFacts]:
        same = []
        if email:
            same.append(DirectoryEntryRow.email == email)
        if mobile:
            same.append(DirectoryEntryRow.mobile == mobile)
        if not same:
            return []
        query = select(DirectoryEntryRow).where(or_(*same)).order_by(DirectoryEntryRow.key)
        return [facts_from_row(row) for row in self.session.scalars(query)]

    def upsert(self, facts: CustomerFacts) -> Upsert:
        key = directory_key(facts)
        values = facts_values(facts)
        row = self.session.get(DirectoryEntryRow, key)
        if row is None:
            self.session.add(DirectoryEntryRow(key=key, **values))
            return "inserted"
        if all(getattr(row, name) == value for name, value in values.items()):
            return "unchanged"
        for name, value in values.items():
            setattr(row, name, value)
        return "updated"


class SqlAuditLog:
    def __init__(self, session: Session) -> None:
        self.session = session

    def record(self, entry: AuditEntry) -> None:
        self.session.add(
            AuditRow(
                at=entry.at,
                actor=entry.actor,
                partner_id=entry.partner_id,
                registration_id=entry.registration_id,
                action=entry.action,
                from_status=entry.from_status.value if entry.from_status else None,
                to_status=entry.to_status.value if entry.to_status else None,
                detail=entry.detail,
            )
        )

    def for_registration(self, registration_id: int) -> Sequence[AuditEntry]:
        query = (
            select(AuditRow)
            .where(AuditRow.registration_id == registration_id)
            .order_by(AuditRow.id)
        )
        return [
            AuditEntry(
                at=row.at,
                action=row.action,
                actor=row.actor,
                partner_id=row.partner_id,
                registration_id=row.registration_id,
                from_status=Status(row.from_status) if row.from_status else None,
                to_status=Status(row.to_status) if row.to_status else None,
                detail=row.detail,
            )
            for row in self.session.scalars(query)
        ]


class SqlOpportunities:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, opportunity: Opportunity) -> Opportunity:
        row = OpportunityRow(
            registration_id=opportunity.registration_id,
            title=opportunity.title,
            created_by=opportunity.created_by,
            created_at=opportunity.created_at,
        )
        self.session.add(row)
        self.session.flush()
        return Opportunity(
            opportunity.registration_id,
            opportunity.title,
            opportunity.created_by,
            opportunity.created_at,
            id=row.id,
        )


class SqlOutbox:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.added = 0

    def add(self, notification: Notification, now: datetime) -> None:
        self.session.add(
            OutboxRow(
                kind=notification.kind.value,
                recipient=notification.recipient,
                registration_id=notification.registration_id,
                payload=notification.payload,
                status="pending",
                attempts=0,
                created_at=now,
                next_attempt_at=now,
                result={},
            )
        )
        self.added += 1

    def claim(self, now: datetime, lease: timedelta, limit: int) -> Sequence[Delivery]:
        free = or_(OutboxRow.claimed_until.is_(None), OutboxRow.claimed_until <= now)
        query = (
            select(OutboxRow)
            .where(OutboxRow.status == "pending", OutboxRow.next_attempt_at <= now, free)
            .order_by(OutboxRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        claimed = []
        for row in self.session.scalars(query):
            row.claimed_until = now + lease
            row.attempts += 1
            notification = Notification(
                Kind(row.kind), row.recipient, row.registration_id, dict(row.payload)
            )
            claimed.append(Delivery(row.id, notification, row.attempts))
        self.session.flush()
        return claimed

    def sent(self, delivery_id: int, now: datetime, result: dict[str, Any]) -> None:
        row = self.session.get_one(OutboxRow, delivery_id)
        row.status, row.sent_at, row.result = "sent", now, result
        row.claimed_until = None

    def retry(self, delivery_id: int, at: datetime, error: str) -> None:
        row = self.session.get_one(OutboxRow, delivery_id)
        row.next_attempt_at, row.last_error, row.claimed_until = at, error, None

    def dead(self, delivery_id: int, now: datetime, error: str) -> None:
        row = self.session.get_one(OutboxRow, delivery_id)
        row.status, row.last_error, row.claimed_until = "dead", error, None

    def entries(self, failed_only: bool, limit: int) -> Sequence[OutboxEntry]:
        query = select(OutboxRow).order_by(OutboxRow.id.desc()).limit(limit)
        if failed_only:
            query = query.where(OutboxRow.status == "dead")
        return [
            OutboxEntry(
                id=row.id,
                kind=row.kind,
                recipient=row.recipient,
                registration_id=row.registration_id,
                status=row.status,
                attempts=row.attempts,
                created_at=row.created_at,
                next_attempt_at=row.next_attempt_at,
                sent_at=row.sent_at,
                last_error=row.last_error,
            )
            for row in self.session.scalars(query)
        ]

    def revive(self, delivery_id: int, now: datetime) -> bool:
        row = self.session.get(OutboxRow, delivery_id, with_for_update=True)
        if row is None or row.status != "dead":
            return False
        row.status, row.next_attempt_at, row.attempts, row.claimed_until = "pending", now, 0, None
        return True

    def skipped(self, delivery_id: int, now: datetime, reason: str) -> None:
        row = self.session.get_one(OutboxRow, delivery_id)
        row.status, row.sent_at, row.last_error, row.claimed_until = "skipped", now, reason, None

    def result_of(self, kind: Kind, registration_id: int) -> dict[str, Any] | None:
        query = select(OutboxRow.result).where(
            OutboxRow.kind == kind.value,
            OutboxRow.registration_id == registration_id,
            OutboxRow.status == "sent",
        )
        result = self.session.scalars(query.order_by(OutboxRow.id).limit(1)).first()
        return dict(result) if result else None


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
