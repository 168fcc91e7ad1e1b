"""Tables, as SQLAlchemy 2 typed declarative rows. The domain never sees them.

By what they hold: the base and its types (base), the program's records (records), the
outbox and the reminders sent (outbox), the reviewers' and partners' working state
(workbench)."""

from __future__ import annotations

from bot.adapters.orm.base import NAMING, Base, UTCDateTime
from bot.adapters.orm.outbox import OutboxRow, ReminderRow
from bot.adapters.orm.records import (
    ACTIVE_SQL,
    AuditRow,
    DirectoryEntryRow,
    IdempotencyKeyRow,
    OpportunityRow,
    PartnerRow,
    PartnerUserRow,
    RegistrationRow,
)
from bot.adapters.orm.workbench import (
    PENDING_SQL,
    WAITING_SQL,
    ExtensionRequestRow,
    HomeViewRow,
    QueueFilterRow,
    WaitEntryRow,
)

__all__ = [
    "ACTIVE_SQL",
    "NAMING",
    "PENDING_SQL",
    "WAITING_SQL",
    "AuditRow",
    "Base",
    "DirectoryEntryRow",
    "ExtensionRequestRow",
    "HomeViewRow",
    "IdempotencyKeyRow",
    "OpportunityRow",
    "OutboxRow",
    "PartnerRow",
    "PartnerUserRow",
    "QueueFilterRow",
    "RegistrationRow",
    "ReminderRow",
    "UTCDateTime",
    "WaitEntryRow",
]
