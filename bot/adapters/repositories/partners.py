"""Partner companies and their Slack users."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.adapters.orm import PartnerRow, PartnerUserRow
from bot.adapters.repositories.columns import copy_named, named
from bot.domain.model import Partner
from bot.services.ports import Conflict

_CHANGEABLE = ("name", "country", "email", "mobile")
"""The columns a company's row shares with it; its id never changes."""


class SqlPartners:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.saved: list[Partner] = []
        """Companies saved in this unit of work: their events become messages at commit."""
        self.known: dict[str, Partner] = {}
        """Companies read or saved in this unit of work, as they stand in it."""

    def get(self, partner_id: str) -> Partner | None:
        row = self.session.get(PartnerRow, partner_id)
        return self._partner(row) if row else None

    def lock(self, partner_id: str) -> Partner | None:
        row = self.session.get(PartnerRow, partner_id, with_for_update=True)
        return self._partner(row) if row else None

    def for_slack_user(self, user_id: str, lock: bool = False) -> Partner | None:
        """Two queries: the company (locked: SELECT … FOR UPDATE of its row), its users."""
        query = (
            select(PartnerRow)
            .join(PartnerUserRow, PartnerUserRow.partner_id == PartnerRow.id)
            .where(PartnerUserRow.slack_user_id == user_id)
        )
        if lock:
            query = query.with_for_update(of=PartnerRow).execution_options(populate_existing=True)
        row = self.session.scalars(query).first()
        return self._partner(row) if row else None

    def add(self, partner: Partner, now: datetime) -> None:
        row = PartnerRow(id=partner.id, **named(partner, _CHANGEABLE), created_at=now)
        try:
            with self.session.begin_nested():
                self.session.add(row)
                self.session.flush()
                self._link_users(partner)
        except IntegrityError as lost:
            raise Conflict(str(lost.orig)) from lost

    def save(self, partner: Partner) -> None:
        row = self.session.get_one(PartnerRow, partner.id)
        copy_named(partner, row, _CHANGEABLE)
        try:
            with self.session.begin_nested():
                self._unlink_others(partner)
                self._link_users(partner)
        except IntegrityError as lost:
            raise Conflict(str(lost.orig)) from lost
        self.saved.append(partner)
        self.known[partner.id] = partner

    def _unlink_others(self, partner: Partner) -> None:
        """The company's users are exactly those it lists (the row is locked by the caller)."""
        self.session.execute(
            delete(PartnerUserRow).where(
                PartnerUserRow.partner_id == partner.id,
                PartnerUserRow.slack_user_id.not_in(partner.slack_user_ids),
            )
        )

    def get_many(self, partner_ids: Collection[str]) -> dict[str, Partner]:
        """Two queries, however many companies: the periodic jobs notify thousands."""
        ids = sorted(set(partner_ids))
        users = _users(self.session, PartnerUserRow.partner_id.in_(ids))
        rows = self.session.scalars(select(PartnerRow).where(PartnerRow.id.in_(ids)))
        return {row.id: _partner(row, users.get(row.id, ())) for row in rows}

    def list(self) -> Sequence[Partner]:
        """Two queries, however many companies (not one more per company)."""
        users = _users(self.session)
        rows = self.session.scalars(select(PartnerRow).order_by(PartnerRow.id))
        return [_partner(row, users.get(row.id, ())) for row in rows]

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
        partner = _partner(row, users)
        self.known[partner.id] = partner
        return partner


def _partner(row: PartnerRow, slack_user_ids: Iterable[str]) -> Partner:
    return Partner(id=row.id, **named(row, _CHANGEABLE), slack_user_ids=tuple(slack_user_ids))


def _users(session: Session, which: ColumnElement[bool] | None = None) -> dict[str, list[str]]:
    """The Slack users of the companies `which` picks (else of all), by company, in order."""
    users: dict[str, list[str]] = {}
    links = select(PartnerUserRow.partner_id, PartnerUserRow.slack_user_id).order_by(
        PartnerUserRow.slack_user_id
    )
    if which is not None:
        links = links.where(which)
    for partner_id, user_id in session.execute(links):
        users.setdefault(partner_id, []).append(user_id)
    return users
