"""The registration model: who holds which customer, in what state, until when."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from bot.domain.errors import (
    DomainError,
    EmailMismatch,
    ExtensionNotOpen,
    ExtensionsUsedUp,
    IdentityMismatch,
    NoContactOnFile,
    NotAReviewer,
    OpportunityNotAllowed,
    OwnCompanyReview,
    TransitionNotAllowed,
    UserNotLinked,
)
from bot.domain.events import (
    Approved,
    Associated,
    CompanyUpdated,
    Deleted,
    Event,
    Expired,
    Extended,
    InvitationEmailed,
    Preregistered,
    QrCodeRequested,
    Rejected,
    ReviewRequested,
    UserLinked,
    UserUnlinked,
)
from bot.domain.opportunities import Opportunity as Opportunity

if TYPE_CHECKING:
    from bot.domain.policy import Policy
    from bot.domain.questions import Question


class Status(StrEnum):
    PENDING_REVIEW = "pending_review"
    PREREGISTERED = "preregistered"
    REJECTED = "rejected"
    EXPIRED = "expired"
    DELETED = "deleted"
    ASSOCIATED = "associated"


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


@dataclass
class Partner:
    """A partner company: it, not the person, owns customers and quota."""

    id: str
    name: str
    country: str
    email: str | None = None
    mobile: str | None = None
    slack_user_ids: tuple[str, ...] = ()
    events: list[Event] = field(default_factory=list, compare=False, repr=False)

    def link(self, user_ids: tuple[str, ...], now: datetime) -> tuple[str, ...]:
        """Adds the users not linked yet; those added, in order (linking twice is a no-op)."""
        added = tuple(u for u in dict.fromkeys(user_ids) if u not in self.slack_user_ids)
        self.slack_user_ids = tuple(sorted((*self.slack_user_ids, *added)))
        self.events.extend(UserLinked(now, user) for user in added)
        return added

    def unlink(self, user_ids: tuple[str, ...], now: datetime) -> None:
        """Removes linked users; the company may be left with none (its data stays)."""
        gone = tuple(dict.fromkeys(user_ids))
        strangers = [u for u in gone if u not in self.slack_user_ids]
        if strangers:
            raise UserNotLinked(strangers[0], self.id)
        self.slack_user_ids = tuple(u for u in self.slack_user_ids if u not in gone)
        self.events.extend(UserUnlinked(now, user) for user in gone)

    def amend(self, wanted: Partner, now: datetime) -> dict[str, list[str | None]]:
        """Takes name, country and contact from `wanted`; each changed field: [before, after]."""
        fields = ("name", "country", "email", "mobile")
        changed = {
            name: [getattr(self, name), getattr(wanted, name)]
            for name in fields
            if getattr(self, name) != getattr(wanted, name)
        }
        if changed:
            self.name, self.country = wanted.name, wanted.country
            self.email, self.mobile = wanted.email, wanted.mobile
            self.events.append(CompanyUpdated(now))
        return changed

    def has_contact(self) -> bool:
        return bool(self.email or self.mobile)

    def set_contact(self, email: str | None, mobile: str | None) -> None:
        """A company must stay reachable: at least one of the two."""
        if not (email or mobile):
            raise NoContactOnFile()
        self.email, self.mobile = email, mobile

    def check_reviewer(self, reviewer: str, reviewers: frozenset[str] | set[str]) -> None:
        """Only the configured reviewers decide, and never for their own company."""
        if reviewer not in reviewers:
            raise NotAReviewer()
        if reviewer in self.slack_user_ids:
            raise OwnCompanyReview()


@dataclass
class Registration:
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
    ) -> Registration:
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
    ) -> Registration:
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

    def approve(self, reviewer: str, now: datetime, validity: timedelta) -> None:
        self._require("approve", Status.PENDING_REVIEW)
        self.status = Status.PREREGISTERED
        self.valid_until = now + validity
        self._decided(reviewer, now, None)
        self.events.append(Approved(now, reviewer))

    def reject(self, reviewer: str, reason: str, now: datetime) -> None:
        self._require("reject", Status.PENDING_REVIEW)
        self.status = Status.REJECTED
        self.ended_at = now
        self._decided(reviewer, now, reason)
        self.events.append(Rejected(now, reviewer, reason))

    @property
    def can_delete(self) -> bool:
        return self.status in DELETABLE_STATUSES

    def delete(self, now: datetime) -> None:
        """Invalid at once: frees quota and exclusivity. Never for a pending or associated one."""
        self._require("delete", *DELETABLE_STATUSES)
        self.status = Status.DELETED
        self.ended_at = now
        self.events.append(Deleted(now))

    def extension_opens(self, policy: Policy) -> datetime | None:
        """When the partner may first extend: the first reminder's window before the end."""
        if self.valid_until is None:
            return None
        return self.valid_until - policy.extension_window

    def can_extend(self, now: datetime, policy: Policy) -> bool:
        try:
            self.check_extension(now, policy)
        except DomainError:
            return False
        return True

    def check_extension(self, now: datetime, policy: Policy) -> None:
        """Raises why not: not pre-registered (any more), used up, or not yet."""
        if self.status is not Status.PREREGISTERED or not self.is_active(now):
            raise TransitionNotAllowed("extend", self._effective_status(now), self)
        if self.extensions >= policy.extensions:
            raise ExtensionsUsedUp(policy.extensions, self)
        opens = self.extension_opens(policy)
        if opens is None or now < opens or policy.extension_window <= timedelta(0):
            raise ExtensionNotOpen(opens, self)

    def extend(self, now: datetime, policy: Policy) -> None:
        """Adds the validity to the current end, a limited number of times: a hold is finite."""
        self.check_extension(now, policy)
        assert self.valid_until is not None
        self.valid_until += policy.validity
        self.extensions += 1
        self.events.append(Extended(now, self.valid_until))

    def expire(self, now: datetime) -> None:
        if not self.is_due_to_expire(now):
            raise TransitionNotAllowed("expire", self.status, self)
        self.status = Status.EXPIRED
        self.ended_at = now
        self.events.append(Expired(now))

    @property
    def identity_field(self) -> str:
        """What the customer confirms on association: the email, or for a mobile-only
        registration the mobile."""
        return "email" if self.customer.email else "mobile"

    def identity_matches(self, identity: str) -> bool:
        """`identity` normalized as stored (lowercased email, E.164 mobile)."""
        expected = self.customer.email or self.customer.mobile
        return expected is not None and identity == expected

    def associate(self, identity: str, now: datetime) -> None:
        """The customer accepted the invitation with the email (or, for a mobile-only
        registration, the mobile) that was pre-registered."""
        if not self.is_active(now) or self.status is not Status.PREREGISTERED:
            raise TransitionNotAllowed("associate", self._effective_status(now), self)
        if not self.identity_matches(identity):
            raise EmailMismatch() if self.customer.email else IdentityMismatch("mobile")
        self.status = Status.ASSOCIATED
        self.ended_at = now
        self.events.append(Associated(now))

    def invite_by_qr_code(self, user: str, link: str, now: datetime) -> None:
        """The caller checked that it is invitable (services.invitations)."""
        self.events.append(QrCodeRequested(now, user, link))

    def invite_by_email(self, user: str, link: str, now: datetime) -> None:
        self.events.append(InvitationEmailed(now, user, link))

    def allows_opportunity(self, now: datetime) -> bool:
        return self.status is Status.ASSOCIATED or (
            self.status is Status.PREREGISTERED and self.is_active(now)
        )

    def check_opportunity(self, now: datetime) -> None:
        """An ended one says what it is now (deleted, expired); a pending or rejected one no."""
        status = self._effective_status(now)
        if status in (Status.DELETED, Status.EXPIRED):
            raise TransitionNotAllowed("create an opportunity for", status, self)
        if not self.allows_opportunity(now):
            raise OpportunityNotAllowed()

    def check_deletable(self, now: datetime) -> None:
        """Before asking "Delete …?": an old list's button is answered with the truth."""
        status = self._effective_status(now)
        if status in (Status.DELETED, Status.EXPIRED) or not self.can_delete:
            raise TransitionNotAllowed("delete", status, self)

    def note(self, event: Event) -> None:
        """Record something that happened to it without a change of state (a reminder due)."""
        self.events.append(event)

    def _effective_status(self, now: datetime) -> Status:
        return Status.EXPIRED if self.is_due_to_expire(now) else self.status

    def _require(self, action: str, *allowed: Status) -> None:
        if self.status not in allowed:
            raise TransitionNotAllowed(action, self.status, self)

    def _decided(self, reviewer: str, now: datetime, note: str | None) -> None:
        self.decided_by = reviewer
        self.decided_at = now
        self.decision_note = note
