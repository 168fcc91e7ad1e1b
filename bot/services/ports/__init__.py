"""What the use cases need from storage; the adapters provide it.

One unit of work holds every store: the records (bot.services.ports.records) and the outbox
of messages owed (bot.services.ports.outbox)."""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from bot.services.ports.outbox import (
    CUSTOMER,
    EMAIL_KINDS,
    REFRESHED,
    REVIEWERS,
    Delivery,
    Kind,
    Notification,
    Outbox,
    OutboxEntry,
    OutboxStatus,
    Sent,
)
from bot.services.ports.records import (
    AuditEntry,
    AuditLog,
    Conflict,
    Directory,
    ExtensionRequests,
    HomeRecord,
    HomeViews,
    Opportunities,
    Partners,
    QueueFilters,
    Registrations,
    Reminders,
    RequestKeys,
    Upsert,
    Waitlist,
)

__all__ = [
    "CUSTOMER",
    "EMAIL_KINDS",
    "REFRESHED",
    "REVIEWERS",
    "AuditEntry",
    "AuditLog",
    "Conflict",
    "Delivery",
    "Directory",
    "ExtensionRequests",
    "HomeRecord",
    "HomeViews",
    "Kind",
    "Notification",
    "Opportunities",
    "Outbox",
    "OutboxEntry",
    "OutboxStatus",
    "Partners",
    "QueueFilters",
    "Registrations",
    "Reminders",
    "RequestKeys",
    "Sent",
    "Upsert",
    "Waitlist",
]


class UnitOfWork(Protocol):
    partners: Partners
    registrations: Registrations
    directory: Directory
    audit: AuditLog
    opportunities: Opportunities
    outbox: Outbox
    reminders: Reminders
    waitlist: Waitlist
    request_keys: RequestKeys
    home_views: HomeViews
    extension_requests: ExtensionRequests
    queue_filters: QueueFilters

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
