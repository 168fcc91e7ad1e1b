"""The program's records: partners and their Slack users, the directory, registrations,
the audit log, opportunities, request keys."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from bot.adapters.orm.base import Base, unique_where

ACTIVE_SQL = "status IN ('pending_review', 'preregistered')"


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
        unique_where("uq_registrations_active_email", "email", where=ACTIVE_SQL),
        unique_where("uq_registrations_active_mobile", "mobile", where=ACTIVE_SQL),
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
