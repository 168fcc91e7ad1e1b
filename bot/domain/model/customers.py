"""Statuses (bot.domain.status) and reasons, the customer as typed, and its facts from
the cloud's directory."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from bot.domain.status import Status as Status

ACTIVE_STATUSES = frozenset({Status.PENDING_REVIEW, Status.PREREGISTERED})
DELETABLE_STATUSES = frozenset({Status.PREREGISTERED, Status.EXPIRED, Status.REJECTED})
"""Never a pending review (the reviewers hold it) nor an associated customer (it is done)."""


class ReasonCode(StrEnum):
    ASSOCIATED = "associated"
    HELD_BY_OTHER_PARTNER = "held_by_other_partner"
    ALREADY_YOURS = "already_yours"
    CONTRACT = "contract"
    DIRECT_SALES_FOLLOWUP = "direct_sales_followup"
    SPEND_WITHOUT_FOLLOWUP = "spend_without_followup"
    REGISTERED = "registered"
    COUNTRY_MISMATCH = "country_mismatch"
    ONLINE_SALES = "online_sales"


@dataclass(frozen=True)
class Reason:
    """Why a rule fired, with the facts behind it (for reviewers, never for other partners)."""

    code: ReasonCode
    evidence: dict[str, str] = field(default_factory=dict, hash=False, compare=True)


class Site(StrEnum):
    INTL = "intl"
    CN = "cn"


@dataclass(frozen=True)
class CustomerFacts:
    """One cloud account as the directory knows it; None means unknown."""

    email: str | None = None
    mobile: str | None = None
    name: str | None = None
    site: Site | None = None
    registered_at: datetime | None = None
    country: str | None = None
    associated_partner_id: str | None = None
    has_contract: bool | None = None
    has_spend: bool | None = None
    direct_sales_followup: bool | None = None
    online_sales: bool | None = None

    @property
    def registered(self) -> bool:
        return self.site is not None


@dataclass(frozen=True)
class Customer:
    """The customer as the partner typed it, already normalized."""

    name: str
    country: str
    email: str | None = None
    mobile: str | None = None
    industry: str | None = None
    notes: str | None = None

    def __post_init__(self) -> None:
        if not (self.email or self.mobile):
            raise ValueError("a customer needs an email or a mobile number")

    def same_person(self, other: Customer | CustomerFacts) -> bool:
        """Two identities conflict when their email or their mobile match."""
        return bool(
            (self.email and self.email == other.email)
            or (self.mobile and self.mobile == other.mobile)
        )
