"""A registration: one customer held by one partner company, and how it begins.

Its transitions (bot.domain.model.transitions, the `Registration` everyone uses) change it by
the rules; this record only says what it holds and answers questions about it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Self

from bot.domain.events import Event, Preregistered, ReviewRequested
from bot.domain.model.customers import DELETABLE_STATUSES, Customer, Reason, Status

if TYPE_CHECKING:
    from bot.domain.questions import Question


@dataclass
class RegistrationRecord:
    partner_id: str
    customer: Customer
    status: Status
    created_at: datetime
    created_by: str | None = None
    reasons: tuple[Reason, ...] = ()
    justification: str | None = None
    valid_until: datetime | None = None
    review_due: datetime | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_note: str | None = None
    extensions: int = 0
    """How often the partner extended it itself."""
    ended_at: datetime | None = None
    """When it stopped being active (rejected, deleted, expired, associated)."""
    question: Question | None = None
    """A reviewer's question waiting for the partner's answer (bot/domain/questions.py)."""
    extension_request: int | None = None
    """The id of its extension request waiting for a reviewer (bot/domain/extension_requests)."""
    id: int | None = None
    events: list[Event] = field(default_factory=list, compare=False, repr=False)
    """Recorded by the transitions; the unit of work takes them at commit."""

    @classmethod
    def preregistered(
        cls,
        partner_id: str,
        customer: Customer,
        now: datetime,
        validity: timedelta,
        created_by: str | None = None,
    ) -> Self:
        return cls(
            partner_id=partner_id,
            customer=customer,
            status=Status.PREREGISTERED,
            created_at=now,
            created_by=created_by,
            valid_until=now + validity,
            events=[Preregistered(now)],
        )

    @classmethod
    def pending_review(
        cls,
        partner_id: str,
        customer: Customer,
        reasons: tuple[Reason, ...],
        justification: str,
        now: datetime,
        review_due: datetime,
        created_by: str | None = None,
    ) -> Self:
        return cls(
            partner_id=partner_id,
            customer=customer,
            status=Status.PENDING_REVIEW,
            created_at=now,
            created_by=created_by,
            reasons=reasons,
            justification=justification,
            review_due=review_due,
            events=[ReviewRequested(now)],
        )

    def is_active(self, now: datetime) -> bool:
        if self.status is Status.PENDING_REVIEW:
            return True
        return (
            self.status is Status.PREREGISTERED
            and self.valid_until is not None
            and now < self.valid_until
        )

    def is_due_to_expire(self, now: datetime) -> bool:
        return (
            self.status is Status.PREREGISTERED
            and self.valid_until is not None
            and now >= self.valid_until
        )

    @property
    def can_delete(self) -> bool:
        return self.status in DELETABLE_STATUSES

    @property
    def identity_field(self) -> str:
        """What the customer confirms on association: the email, or for a mobile-only
        registration the mobile."""
        return "email" if self.customer.email else "mobile"

    def identity_matches(self, identity: str) -> bool:
        """`identity` normalized as stored (lowercased email, E.164 mobile)."""
        expected = self.customer.email or self.customer.mobile
        return expected is not None and identity == expected

    def allows_opportunity(self, now: datetime) -> bool:
        return self.status is Status.ASSOCIATED or (
            self.status is Status.PREREGISTERED and self.is_active(now)
        )

    def note(self, event: Event) -> None:
        """Record something that happened to it without a change of state (a reminder due)."""
        self.events.append(event)
