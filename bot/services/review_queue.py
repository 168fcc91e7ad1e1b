"""A reviewer's App Home: the queue of review cards and extension requests, filtered as the
reviewer last chose (kept per reviewer), and the reviewer's own recent decisions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from bot.domain.extension_requests import ExtensionRequest
from bot.domain.model import Registration
from bot.services.commands import Command
from bot.services.context import Context
from bot.services.ports import Kind, UnitOfWork
from bot.services.subjects import extension_card_of

RECENT_DECISIONS = 5
DECISIONS = ("approved", "rejected", "extension_approved", "extension_rejected")


class QueueFilter(StrEnum):
    ALL = "all"
    OVERDUE = "overdue"
    WAITING = "waiting"  # on the partner: a question is with them
    EXTENSIONS = "extensions"


@dataclass(frozen=True)
class QueueItem:
    registration: Registration
    partner_name: str
    card: dict[str, str] | None
    """Where its card is in the reviewers' channel (channel, ts), once posted."""
    extension: ExtensionRequest | None = None
    """Set for an extension request; None for a review request."""

    @property
    def due(self) -> datetime | None:
        return self.extension.review_due if self.extension else self.registration.review_due

    @property
    def waiting_on_partner(self) -> bool:
        return self.extension is None and self.registration.question is not None

    def overdue(self, now: datetime) -> bool:
        return not self.waiting_on_partner and self.due is not None and self.due <= now

    def shown_under(self, choice: QueueFilter, now: datetime) -> bool:
        return {
            QueueFilter.ALL: True,
            QueueFilter.OVERDUE: self.overdue(now),
            QueueFilter.WAITING: self.waiting_on_partner,
            QueueFilter.EXTENSIONS: self.extension is not None,
        }[choice]


@dataclass(frozen=True)
class PastDecision:
    at: datetime
    action: str
    customer_name: str
    registration_id: int | None


@dataclass(frozen=True)
class ReviewQueue:
    items: list[QueueItem]
    """Everything waiting, overdue first, then by deadline."""
    choice: QueueFilter = QueueFilter.ALL
    recent: list[PastDecision] = field(default_factory=list)

    def shown(self, now: datetime) -> list[QueueItem]:
        return [item for item in self.items if item.shown_under(self.choice, now)]

    def count(self, choice: QueueFilter, now: datetime) -> int:
        return sum(1 for item in self.items if item.shown_under(choice, now))


class ChooseQueueFilter(Command):
    reviewer: str
    choice: QueueFilter


def choose_queue_filter(cmd: ChooseQueueFilter, ctx: Context) -> QueueFilter:
    """Kept for the reviewer: every later refresh of their App Home shows the same part."""
    with ctx.uow() as uow:
        uow.queue_filters.set(cmd.reviewer, cmd.choice.value, ctx.now())
        uow.commit()
    return cmd.choice


def review_queue(uow: UnitOfWork, reviewer: str, now: datetime) -> ReviewQueue:
    """Read inside the dashboard's unit of work."""
    names: dict[str, str] = {}

    def name_of(partner_id: str) -> str:
        if partner_id not in names:
            owner = uow.partners.get(partner_id)
            names[partner_id] = owner.name if owner else ""
        return names[partner_id]

    items = []
    for pending in uow.registrations.pending_reviews():
        assert pending.id is not None
        card = uow.outbox.result_of(Kind.REVIEW_REQUEST, pending.id)
        items.append(QueueItem(pending, name_of(pending.partner_id), card))
    for asked in uow.extension_requests.pending():
        held = uow.registrations.get(asked.registration_id)
        if held is None or held.id is None:
            continue
        card = extension_card_of(uow, held.id, asked.id or 0)
        items.append(QueueItem(held, name_of(held.partner_id), card, asked))
    far = datetime.max.replace(tzinfo=now.tzinfo)
    items.sort(key=lambda i: (not i.overdue(now), i.waiting_on_partner, i.due or far))
    stored = uow.queue_filters.get(reviewer)
    choice = QueueFilter(stored) if stored in set(QueueFilter) else QueueFilter.ALL
    return ReviewQueue(items, choice, _recent(uow, reviewer))


def _recent(uow: UnitOfWork, reviewer: str) -> list[PastDecision]:
    decisions = []
    for entry in uow.audit.by_actor(reviewer, DECISIONS, RECENT_DECISIONS):
        decided = uow.registrations.get(entry.registration_id) if entry.registration_id else None
        name = decided.customer.name if decided else ""
        decisions.append(PastDecision(entry.at, entry.action, name, entry.registration_id))
    return decisions
