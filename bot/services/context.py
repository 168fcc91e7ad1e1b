"""What every use-case caller needs, without knowing how it is built."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

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

    def now(self) -> datetime:
        return self.clock()
