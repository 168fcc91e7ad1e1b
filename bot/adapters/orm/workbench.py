"""Working state: the waiting list, App Home hashes, extension requests, the reviewers'
queue filters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.adapters.orm.base import Base, unique_where

WAITING_SQL = "status = 'waiting'"


class WaitEntryRow(Base):
    """A partner waiting to be told that a customer held by another is free again."""

    __tablename__ = "waitlist"
    __table_args__ = (
        # One waiting entry per company and customer: a replayed click adds nothing.
        unique_where("uq_waitlist_waiting_email", "partner_id", "email", where=WAITING_SQL),
        unique_where("uq_waitlist_waiting_mobile", "partner_id", "mobile", where=WAITING_SQL),
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
    # What the user chose to see: the refreshes that follow render the same.
    search: Mapped[str] = mapped_column(String(100), default="", server_default="")
    section: Mapped[str] = mapped_column(String(16), default="", server_default="")
    page: Mapped[int] = mapped_column(default=0, server_default="0")


PENDING_SQL = "status = 'pending'"


class ExtensionRequestRow(Base):
    """A partner's request to a reviewer for one more extension (bot/domain/extension_requests)."""

    __tablename__ = "extension_requests"
    __table_args__ = (
        # One request waiting per registration: a replay or a second user adds nothing.
        unique_where("uq_extension_requests_pending", "registration_id", where=PENDING_SQL),
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
