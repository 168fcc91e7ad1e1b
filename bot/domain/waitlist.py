"""The waiting list: partners refused because another partner holds a customer ask to be
told when it frees up. Told in the order they asked, never who held it; first come wins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.errors import DomainError
from bot.domain.model import Customer

LAPSES_AFTER = timedelta(days=90)


class WaitStatus(StrEnum):
    WAITING = "waiting"
    TOLD = "told"  # the customer freed up and the partner was told
    LEFT = "left"  # the partner left the list
    LAPSED = "lapsed"  # nobody was told within LAPSES_AFTER


class NotHeldByAnother(DomainError):
    """Nobody else holds the customer (any more): there is nothing to wait for."""


class NotWaiting(DomainError):
    """The entry is gone: told already, left, lapsed, or another company's."""


@dataclass
class WaitEntry:
    partner_id: str
    slack_user_id: str
    customer: Customer
    """As this partner typed it: the only words the partner is ever shown about it."""
    created_at: datetime
    status: WaitStatus = WaitStatus.WAITING
    ended_at: datetime | None = None
    id: int | None = None

    def is_waiting(self, now: datetime) -> bool:
        return self.status is WaitStatus.WAITING and now < self.created_at + LAPSES_AFTER

    def told(self, now: datetime) -> None:
        self.status, self.ended_at = WaitStatus.TOLD, now

    def lapse(self, now: datetime) -> None:
        self.status, self.ended_at = WaitStatus.LAPSED, now

    def leave(self, now: datetime) -> None:
        if not self.is_waiting(now):
            raise NotWaiting()
        self.status, self.ended_at = WaitStatus.LEFT, now
