"""SQLAlchemy implementations of the use cases' storage ports, one module per port."""

from bot.adapters.repositories.audit import SqlAuditLog
from bot.adapters.repositories.directory import SqlDirectory
from bot.adapters.repositories.extension_requests import SqlExtensionRequests, SqlQueueFilters
from bot.adapters.repositories.home_views import SqlHomeViews
from bot.adapters.repositories.opportunities import SqlOpportunities
from bot.adapters.repositories.outbox import SqlOutbox
from bot.adapters.repositories.partners import SqlPartners
from bot.adapters.repositories.registrations import SqlRegistrations
from bot.adapters.repositories.reminders import SqlReminders
from bot.adapters.repositories.waitlist import SqlWaitlist

__all__ = [
    "SqlAuditLog",
    "SqlDirectory",
    "SqlExtensionRequests",
    "SqlHomeViews",
    "SqlOpportunities",
    "SqlOutbox",
    "SqlPartners",
    "SqlQueueFilters",
    "SqlRegistrations",
    "SqlReminders",
    "SqlWaitlist",
]
