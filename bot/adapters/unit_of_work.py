"""One transaction per use case, over one SQLAlchemy session."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime
from functools import partial
from types import TracebackType
from typing import Any, Self

from sqlalchemy import event
from sqlalchemy.exc import DataError, DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from bot.adapters.freed import Freed
from bot.adapters.repositories import (
    SqlAuditLog,
    SqlDirectory,
    SqlExtensionRequests,
    SqlHomeViews,
    SqlOpportunities,
    SqlOutbox,
    SqlPartners,
    SqlQueueFilters,
    SqlRegistrations,
    SqlReminders,
    SqlWaitlist,
)
from bot.adapters.repositories.request_keys import SqlRequestKeys
from bot.domain.model import Partner, Registration
from bot.domain.waitlist import WaitEntry
from bot.services.errors import ServiceBusy, ValueNotStorable
from bot.services.messages import company_notifications, notifications_for
from bot.services.ports import UnitOfWork


class ReadOnly(RuntimeError):
    """A programming error: something tried to write through a reading unit of work."""


class SqlUnitOfWork(UnitOfWork):
    """Enter to begin; anything not committed is rolled back on exit.

    The repositories it holds are declared once, by the port it implements."""

    session: Session

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        on_outbox: Callable[[], None] | None = None,
        turn: AbstractContextManager[Any] | None = None,
        read_only: bool = False,
    ) -> None:
        self.session_factory = session_factory
        self.on_outbox = on_outbox
        self.turn = turn or nullcontext()
        self.read_only = read_only
        """Reads only: no turn to wait for; on SQLite a plain BEGIN (a WAL snapshot), no lock."""

    def __enter__(self) -> Self:
        self.turn.__enter__()
        self.session = self.session_factory()
        self.partners = self._partners = SqlPartners(self.session)
        self.registrations = self._registrations = SqlRegistrations(self.session)
        self.directory = SqlDirectory(self.session)
        self.audit = self._audit = SqlAuditLog(self.session)
        self.opportunities = SqlOpportunities(self.session)
        self.outbox = self._outbox = SqlOutbox(self.session)
        self.reminders = SqlReminders(self.session)
        self.waitlist = SqlWaitlist(self.session)
        self.request_keys = SqlRequestKeys(self.session)
        self.home_views = SqlHomeViews(self.session)
        self.extension_requests = SqlExtensionRequests(self.session)
        self.queue_filters = SqlQueueFilters(self.session)
        self._freed: Freed | None = None
        # Audit and outbox rows wait in memory and go in with one executemany each, just
        # before any other statement of this session (which may read them) or the commit.
        event.listen(self.session, "do_orm_execute", self._write_pending)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.session.rollback()
            self.session.close()
        except DBAPIError:
            pass  # the connection is gone: the server rolls back what was not committed
        finally:
            self.turn.__exit__(exc_type, exc, tb)
        refusal = translated(exc)
        if refusal is not None:
            raise refusal from exc

    def commit(self) -> None:
        if self.read_only:
            raise ReadOnly("a unit of work opened to read cannot commit")
        self._write_messages()
        self._write_pending()
        self.session.commit()
        # Messages owed are in the database now; wake whoever delivers them.
        if self._outbox.added and self.on_outbox is not None:
            self._outbox.added = 0
            self.on_outbox()

    def rollback(self) -> None:
        self.session.rollback()
        self._audit.pending.clear()
        self._outbox.pending.clear()

    def _write_pending(self, *_: object) -> None:
        if self._audit.pending or self._outbox.pending:
            connection = self.session.connection()
            self._audit.write_pending(connection)
            self._outbox.write_pending(connection)

    def _write_messages(self) -> None:
        """The events the registrations recorded become outbox rows, in this transaction."""
        seen = self._registrations.seen.values()
        # One lookup for all the companies: a periodic job's batch notifies hundreds.
        # The companies this unit of work already read are not read again.
        known = self._partners.known
        wanted = {r.partner_id for r in seen if r.events}
        partners: dict[str, Partner | None] = {p: known[p] for p in wanted if p in known}
        if wanted - partners.keys():
            partners.update(self.partners.get_many(wanted - partners.keys()))
        for registration in seen:
            while registration.events:
                event = registration.events.pop(0)
                if registration.partner_id not in partners:
                    partners[registration.partner_id] = self.partners.get(registration.partner_id)
                partner = partners[registration.partner_id]
                waiting = partial(self._told, registration, event.at)
                for notification in notifications_for(event, registration, partner, waiting):
                    self.outbox.add(notification, event.at)
        self._registrations.seen.clear()
        self._freed = None
        for company in self._partners.saved:
            while company.events:
                event = company.events.pop(0)
                for notification in company_notifications(event, company):
                    self.outbox.add(notification, event.at)
        self._partners.saved.clear()

    def _told(self, registration: Registration, now: datetime) -> list[WaitEntry]:
        """The partners waiting for the customer that just freed up, marked as told."""
        if self._freed is None:
            customers = [r.customer for r in self._registrations.seen.values()]
            self._freed = Freed(self.session, customers)
        if self._freed.still_held(registration.customer, now):
            return []  # still held (by its mobile, say): nothing freed up
        entries = self._freed.waiting_for(registration.customer, now)
        for entry in entries:
            entry.told(now)
            self.waitlist.save(entry)
        return entries


def translated(error: BaseException | None) -> Exception | None:
    """The database's trouble as the refusal the edges answer in words (nothing was saved)."""
    if isinstance(error, DataError):  # too long for its column, a NUL character (PostgreSQL)
        return ValueNotStorable(type(error.orig).__name__)
    if isinstance(error, OperationalError | PoolTimeout) or (
        isinstance(error, DBAPIError) and error.connection_invalidated
    ):  # locked, timed out, unreachable, disk full
        return ServiceBusy(type(getattr(error, "orig", None) or error).__name__)
    return None
