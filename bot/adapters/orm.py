"""Tables, as SQLAlchemy 2 typed declarative rows. The domain never sees them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ACTIVE_SQL = "status IN ('pending_review', 'preregistered')"


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC in, aware UTC out: SQLite would otherwise hand back naive times."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class PartnerRow(Base):
    __tablename__ = "partners"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    email: Mapped[str | None] = mapped_column(String(320))
    mobile: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime]


class PartnerUserRow(Base):
    """A Slack user belongs to at most one partner company."""

    __tablename__ = "partner_users"

    slack_user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"), index=True)


class DirectoryEntryRow(Base):
    """One cloud account's facts, keyed by its email (or its mobile when it has none)."""

    __tablename__ = "directory_entries"

    key: Mapped[str] = mapped_column(String(340), primary_key=True)
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    mobile: Mapped[str | None] = mapped_column(String(20), index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    site: Mapped[str | None] = mapped_column(String(8))
    registered_at: Mapped[datetime | None]
    country: Mapped[str | None] = mapped_column(String(2))
    associated_partner_id: Mapped[str | None] = mapped_column(String(64))
    has_contract: Mapped[bool | None] = mapped_column(Boolean)
    has_spend: Mapped[bool | None] = mapped_column(Boolean)
    direct_sales_followup: Mapped[bool | None] = mapped_column(Boolean)
    online_sales: Mapped[bool | None] = mapped_column(Boolean)


class RegistrationRow(Base):
    __tablename__ = "registrations"
    __table_args__ = (
        # Exclusivity by the database itself: one active registration per email and per mobile.
        Index(
            "uq_registrations_active_email",
            "email",
            unique=True,
            sqlite_where=text(ACTIVE_SQL),
            postgresql_where=text(ACTIVE_SQL),
        ),
        Index(
            "uq_registrations_active_mobile",
            "mobile",
            unique=True,
            sqlite_where=text(ACTIVE_SQL),
            postgresql_where=text(ACTIVE_SQL),
        ),
        # Plain ones too, for lookups whose status list is bound as parameters (migration 0006).
        Index("ix_registrations_email", "email"),
        Index("ix_registrations_mobile", "mobile"),
        Index("ix_registrations_partner_status", "partner_id", "status"),
        Index("ix_registrations_status_valid_until", "status", "valid_until"),
        Index("ix_registrations_partner_ended_at", "partner_id", "ended_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    customer_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    mobile: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str] = mapped_column(String(2))
    industry: Mapped[str | None] = mapped_column(String(100))
    notes: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    justification: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    created_by: Mapped[str | None] = mapped_column(String(32))
    valid_until: Mapped[datetime | None]
    review_due: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(32))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(Text)
    extensions: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    ended_at: Mapped[datetime | None]
    # A reviewer's question waiting for the partner (bot/domain/questions.py).
    question: Mapped[str | None] = mapped_column(Text)
    question_asked_by: Mapped[str | None] = mapped_column(String(32))
    question_asked_at: Mapped[datetime | None]
    question_remind_at: Mapped[datetime | None]
    question_lapses_at: Mapped[datetime | None]
    # Its extension request waiting for a reviewer, if any (the requests' table holds it).
    extension_request_id: Mapped[int | None] = mapped_column(Integer)


class AuditRow(Base):
    """Every state change and every blocked attempt: who, when, from → to, why."""

    __tablename__ = "audit_log"
    # A reviewer's own recent decisions on App Home.
    __table_args__ = (Index("ix_audit_log_actor_at", "actor", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    actor: Mapped[str | None] = mapped_column(String(64))
    partner_id: Mapped[str | None] = mapped_column(String(64), index=True)
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class OpportunityRow(Base):
    __tablename__ = "opportunities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    # In hundredths, exact on both databases (the domain allows two decimals).
    amount_cents: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    close_date: Mapped[date | None] = mapped_column(Date)
    stage: Mapped[str] = mapped_column(String(20), default="qualification")
    notes: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime | None]


class IdempotencyKeyRow(Base):
    """A request already carried out: its key is taken in the transaction of the change, so
    a replay finds it and answers as the first time did."""

    __tablename__ = "idempotency_keys"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    use_case: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(index=True)
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)


class OutboxRow(Base):
    """A message owed to Slack (or email), written in the transaction that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

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


WAITING_SQL = "status = 'waiting'"


class WaitEntryRow(Base):
    """A partner waiting to be told that a customer held by another is free again."""

    __tablename__ = "waitlist"
    __table_args__ = (
        # One waiting entry per company and customer: a replayed click adds nothing.
        Index(
            "uq_waitlist_waiting_email",
            "partner_id",
            "email",
            unique=True,
            sqlite_where=text(WAITING_SQL),
            postgresql_where=text(WAITING_SQL),
        ),
        Index(
            "uq_waitlist_waiting_mobile",
            "partner_id",
            "mobile",
            unique=True,
            sqlite_where=text(WAITING_SQL),
            postgresql_where=text(WAITING_SQL),
        ),
        Index("ix_waitlist_email_status", "email", "status"),
        Index("ix_waitlist_mobile_status", "mobile", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    slack_user_id: Mapped[str] = mapped_column(String(32))
    customer_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    mobile: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class HomeViewRow(Base):
    """The hash Slack gave our latest App Home publish for a user: the next publish passes
    it, so that Slack refuses a render older than the one it shows."""

    __tablename__ = "home_views"

    slack_user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    hash: Mapped[str] = mapped_column(String(128))
    published_at: Mapped[datetime]


PENDING_SQL = "status = 'pending'"


class ExtensionRequestRow(Base):
    """A partner's request to a reviewer for one more extension (bot/domain/extension_requests)."""

    __tablename__ = "extension_requests"
    __table_args__ = (
        # One request waiting per registration: a replay or a second user adds nothing.
        Index(
            "uq_extension_requests_pending",
            "registration_id",
            unique=True,
            sqlite_where=text(PENDING_SQL),
            postgresql_where=text(PENDING_SQL),
        ),
        Index("ix_extension_requests_status_due", "status", "review_due"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id"))
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    requested_by: Mapped[str] = mapped_column(String(32))
    justification: Mapped[str] = mapped_column(Text)
    requested_at: Mapped[datetime]
    valid_until: Mapped[datetime]
    extensions: Mapped[int] = mapped_column(Integer)
    review_due: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(12))
    decided_by: Mapped[str | None] = mapped_column(String(32))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(Text)


class QueueFilterRow(Base):
    """Which part of the review queue a reviewer's App Home shows, kept between visits."""

    __tablename__ = "queue_filters"

    slack_user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    choice: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime]
