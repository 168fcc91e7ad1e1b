"""The program's numbers and the preconditions that guard every submission."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.domain.errors import NoContactOnFile, QuotaReached

if TYPE_CHECKING:  # annotations only: the settings build a Policy without the model
    from bot.domain.model import Partner, Registration


@dataclass(frozen=True)
class Policy:
    quota: int = 100
    validity: timedelta = timedelta(days=15)
    review_sla_days: int = 2
    registered_days: int = 7
    reminders: tuple[timedelta, ...] = (timedelta(days=3), timedelta(days=1))
    extensions: int = 1
    """Extensions a partner may take itself per registration, each adding `validity`."""

    @property
    def extension_window(self) -> timedelta:
        """The first reminder's window before valid_until; no reminders, no self-extension."""
        return max(self.reminders, default=timedelta(0))

    duplicate_name_score: int = 90
    """How alike (0–100) two normalised company names must be to show as a possible duplicate."""


@dataclass(frozen=True)
class QuotaUse:
    held: int
    quota: int
    next_expiry: datetime | None

    @property
    def reached(self) -> bool:
        return self.held >= self.quota

    @property
    def left(self) -> int:
        return max(self.quota - self.held, 0)


def quota_use(registrations: Iterable[Registration], policy: Policy, now: datetime) -> QuotaUse:
    active = [r for r in registrations if r.is_active(now)]
    expiries = [r.valid_until for r in active if r.valid_until is not None]
    return QuotaUse(len(active), policy.quota, min(expiries, default=None))


def check_preconditions(partner: Partner, use: QuotaUse) -> None:
    """Checked when /preregister runs and again at submission."""
    if not partner.has_contact():
        raise NoContactOnFile()
    if use.reached:
        raise QuotaReached(use)
