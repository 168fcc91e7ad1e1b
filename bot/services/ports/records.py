"""The stores of the records: partners, registrations, the directory, the audit log, the
waiting list, extension requests, opportunities, request keys, App Home hashes."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:  # annotations only: the runtime is built without the model's modules
    from bot.domain.extension_requests import ExtensionRequest
    from bot.domain.model import (
        Customer,
        CustomerFacts,
        Opportunity,
        Partner,
        Registration,
        Status,
    )
    from bot.domain.reminders import Checkpoint, Nudge
    from bot.domain.waitlist import WaitEntry
    from bot.services.directory import ImportCounts


Upsert = Literal["inserted", "updated", "unchanged"]


class Conflict(Exception):
    """The database refused a write another transaction made impossible; try again."""


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    action: str
    actor: str | None = None
    partner_id: str | None = None
    registration_id: int | None = None
    from_status: Status | None = None
    to_status: Status | None = None
    detail: dict[str, Any] = field(default_factory=dict)


class Reminders(Protocol):
    def recorded_many(self, registration_ids: Collection[int]) -> set[tuple[int, Nudge, datetime]]:
        """(registration id, nudge, due) of every checkpoint already recorded for them."""
        ...

    def record_many(
        self, claims: Sequence[tuple[int, Checkpoint, bool]], now: datetime
    ) -> set[tuple[int, Nudge, datetime]]:
        """Record each (registration id, checkpoint, sent) once; returns those this call
        recorded, which are its to send: another replica's are left out."""
        ...

    def recorded(self, registration_id: int) -> set[tuple[Nudge, datetime]]:
        """The checkpoints already reached, by kind and moment."""
        ...

    def record(
        self, registration_id: int, checkpoint: Checkpoint, sent: bool, now: datetime
    ) -> bool:
        """Claim the checkpoint; False when another process got there first."""
        ...


class Partners(Protocol):
    def get(self, partner_id: str) -> Partner | None: ...
    def lock(self, partner_id: str) -> Partner | None:
        """Read and hold the company's row until commit: submissions queue up behind it."""
        ...

    def for_slack_user(self, user_id: str, lock: bool = False) -> Partner | None:
        """The Slack user's company; with `lock`, its row is locked (quota is counted)."""
        ...

    def add(self, partner: Partner, now: datetime) -> None:
        """Store the company and link its Slack users; raises Conflict on a taken id or user."""
        ...

    def save(self, partner: Partner) -> None: ...
    def list(self) -> Sequence[Partner]: ...
    def get_many(self, partner_ids: Collection[str]) -> dict[str, Partner]: ...


class Registrations(Protocol):
    def add(self, registration: Registration) -> Registration:
        """Store and give an id; raises Conflict when the customer became held meanwhile."""
        ...

    def get(self, registration_id: int, *, lock: bool = False) -> Registration | None: ...
    def save(self, registration: Registration) -> None: ...
    def save_many(self, registrations: Sequence[Registration]) -> None:
        """Registrations loaded in this unit of work, leaving the active statuses."""
        ...

    def touched(self, registration: Registration) -> None:
        """Hand on its events at commit, also when nothing was stored (a reminder reached)."""
        ...

    def conflicting(self, customer: Customer) -> Sequence[Registration]:
        """Active-status registrations sharing the customer's email or mobile, locked."""
        ...

    def quota_held(self, partner_id: str, now: datetime) -> tuple[int, datetime | None]:
        """How many of the company's registrations are active at `now` (as
        `Registration.is_active` says), and the soonest `valid_until` among them."""
        ...

    def of_partner(
        self, partner_id: str, statuses: Sequence[Status] | None = None
    ) -> Sequence[Registration]: ...
    def all(self, partner_id: str | None = None) -> Sequence[Registration]: ...
    def ended_since(self, partner_id: str, since: datetime) -> Sequence[Registration]:
        """The company's registrations that ended at or after `since`, latest first."""
        ...

    def pending_reviews(self) -> Sequence[Registration]:
        """Every pending review, the earliest deadline (so the overdue) first."""
        ...

    def awaiting_checkpoints(
        self, now: datetime, horizon: timedelta, after: int = 0, limit: int | None = None
    ) -> Sequence[Registration]:
        """Pending reviews, and preregistered ones ending within `horizon` of now, by id:
        those after id `after`, at most `limit` of them."""
        ...

    def recent(self, since: datetime) -> Sequence[Registration]:
        """Every active-status registration, and any other created since `since`, newest first."""
        ...

    def unanswered(self, now: datetime, limit: int) -> Sequence[Registration]:
        """Pending reviews whose question to the partner lapsed by now, locked (skip locked)."""
        ...

    def due_to_expire(self, now: datetime, limit: int) -> Sequence[Registration]:
        """Preregistered past valid_until, locked; others running the same job skip them."""
        ...


class Directory(Protocol):
    def matching(self, email: str | None, mobile: str | None) -> Sequence[CustomerFacts]: ...
    def upsert(self, facts: CustomerFacts) -> Upsert:
        """Insert or update one account, saying which it was."""
        ...

    def upsert_many(self, facts: Sequence[CustomerFacts]) -> ImportCounts:
        """Insert or update each account in one statement; a repeat counts once."""
        ...


class AuditLog(Protocol):
    def record(self, entry: AuditEntry) -> None: ...
    def for_registration(self, registration_id: int) -> Sequence[AuditEntry]: ...
    def by_actor(self, actor: str, actions: Sequence[str], limit: int) -> Sequence[AuditEntry]:
        """The latest entries of these actions by `actor`, newest first."""
        ...

    def times(self, registration_id: int, action: str, since: datetime) -> Sequence[datetime]:
        """When `action` was recorded for the registration after `since`, oldest first."""
        ...


class Waitlist(Protocol):
    def add(self, entry: WaitEntry) -> WaitEntry:
        """Store it; the company's entry already waiting for that customer when there is one."""
        ...

    def get(self, entry_id: int, *, lock: bool = False) -> WaitEntry | None: ...
    def save(self, entry: WaitEntry) -> None: ...
    def waiting_for(self, customer: Customer, now: datetime) -> Sequence[WaitEntry]:
        """Entries still waiting for the customer (same email or mobile), oldest first, locked."""
        ...

    def of_company(self, partner_id: str, customer: Customer) -> Sequence[WaitEntry]:
        """The company's entries in the waiting state for the customer, lapsed ones too."""
        ...


class ExtensionRequests(Protocol):
    def add(self, request: ExtensionRequest) -> ExtensionRequest:
        """Store and give an id; raises Conflict when one is pending for it already."""
        ...

    def get(self, request_id: int, *, lock: bool = False) -> ExtensionRequest | None: ...
    def save(self, request: ExtensionRequest) -> None: ...
    def pending_for(self, registration_id: int) -> ExtensionRequest | None: ...
    def pending(
        self, limit: int | None = None, *, lock: bool = False
    ) -> Sequence[ExtensionRequest]:
        """Every pending request, the earliest deadline first (locked: skip locked)."""
        ...

    def get_many(self, request_ids: Collection[int]) -> dict[int, ExtensionRequest]: ...


class QueueFilters(Protocol):
    """Which part of the review queue each reviewer's App Home shows."""

    def get(self, user_id: str) -> str | None: ...
    def set(self, user_id: str, choice: str, now: datetime) -> None: ...


class Opportunities(Protocol):
    def add(self, opportunity: Opportunity) -> Opportunity: ...
    def get(self, opportunity_id: int, *, lock: bool = False) -> Opportunity | None: ...
    def save(self, opportunity: Opportunity) -> None: ...
    def of_registrations(
        self, registration_ids: Collection[int]
    ) -> dict[int, Sequence[Opportunity]]:
        """Each registration's opportunities, by close date; none for those without."""
        ...

    def open_count(self, registration_id: int) -> int: ...


class RequestKeys(Protocol):
    """Requests already carried out, by their key (bot.services.idempotency)."""

    def result(self, key: str) -> dict[str, Any] | None: ...
    def add(self, key: str, use_case: str, result: dict[str, Any], now: datetime) -> None:
        """Raises Conflict when the key is taken already."""
        ...

    def prune(self, before: datetime) -> int: ...


@dataclass(frozen=True)
class HomeRecord:
    """A user's App Home as our latest publish left it: Slack's hash of it, and what the
    user chose to see there (a search, one section on its own, its page)."""

    hash: str | None = None
    search: str = ""
    section: str = ""  # "": every section
    page: int = 0


class HomeViews(Protocol):
    def latest(self, user_id: str) -> HomeRecord:
        """An empty record for a user whose Home we never published."""
        ...

    def published(self, user_id: str, record: HomeRecord, now: datetime) -> None: ...
