"""What every use-case caller needs, without knowing how it is built."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: a command that runs no use case loads none of them
    from bot.domain.calendar import WorkingCalendar
    from bot.domain.policy import Policy
    from bot.services.invite_links import Invites
    from bot.services.ports import UnitOfWork


@dataclass(frozen=True)
class Context:
    uow: Callable[[], UnitOfWork]
    """A fresh unit of work: one per use-case call, never shared between threads."""
    policy: Policy
    calendar: WorkingCalendar
    clock: Callable[[], datetime]
    reviewers: frozenset[str] = frozenset()
    """Slack user IDs allowed to decide reviews (REVIEWER_USER_IDS)."""
    invites: Invites | None = None
    """None without INVITE_SECRET: then nothing can be invited."""
    reader: Callable[[], UnitOfWork] | None = None
    """A unit of work that only reads (None: `uow`). On SQLite it neither queues for the one
    writer's turn nor takes the write lock: a Home render never holds up a submission."""

    def now(self) -> datetime:
        return self.clock()

    def read(self) -> UnitOfWork:
        """For a query: reads one consistent snapshot; its commit refuses."""
        return (self.reader or self.uow)()
