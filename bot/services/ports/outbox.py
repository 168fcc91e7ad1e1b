"""The outbox: the messages owed, their kinds and recipients, and what was sent."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    pass


class Kind(StrEnum):
    """What a notification says; bot.blocks renders each one."""

    REVIEW_REQUEST = "review_request"
    REVIEW_DECIDED = "review_decided"
    DECISION = "decision"
    EXPIRY_REMINDER = "expiry_reminder"
    EXPIRED = "expired"
    REVIEW_HALFWAY = "review_halfway"
    REVIEW_OVERDUE = "review_overdue"
    PREREGISTERED = "preregistered"
    INVITE_QR = "invite_qr"
    INVITE_EMAIL = "invite_email"
    INVITE_EMAIL_SENT = "invite_email_sent"
    INVITE_EMAIL_FAILED = "invite_email_failed"
    ASSOCIATED = "associated"
    HOME_REFRESH = "home_refresh"
    """Publish the recipient's App Home again: something on it changed."""
    MESSAGES_REFRESH = "messages_refresh"
    """Update in place (chat.update) the DMs already sent to the recipient about it."""
    REVIEW_JUSTIFICATION = "review_justification"
    REVIEW_UPDATED = "review_updated"  # the card changes in place, still pending
    QUESTION = "question"  # a reviewer's question, to each of the company's users
    QUESTION_REMINDER = "question_reminder"
    QUESTION_IN_THREAD = "question_in_thread"  # the question, under the card
    ANSWER_IN_THREAD = "answer_in_thread"  # the partner's answer, under the card
    CUSTOMER_FREED = "customer_freed"  # to a partner on the waiting list
    EXTENSION_REQUEST = "extension_request"  # its own card in the reviewers' channel
    EXTENSION_DECIDED = "extension_decided"  # that card, changed in place
    EXTENSION_DECISION = "extension_decision"  # the outcome, to each of the company's users
    EXTENSION_CHASE = "extension_chase"  # halfway / overdue, in the card's thread


EMAIL_KINDS = frozenset({Kind.INVITE_EMAIL})
"""Delivered by email (to the registration's pre-registered address), not to Slack."""


REFRESHED = (
    Kind.EXPIRY_REMINDER,
    Kind.EXPIRED,
    Kind.DECISION,
    Kind.PREREGISTERED,
    Kind.QUESTION,
    Kind.QUESTION_REMINDER,
)
"""DMs that carry buttons or a state: kept true by MESSAGES_REFRESH after every change."""


@dataclass(frozen=True)
class Sent:
    """A message already delivered, and where it landed."""

    kind: Kind
    payload: dict[str, Any]
    channel: str
    ts: str


class OutboxStatus(StrEnum):
    """Where an outbox row stands; only `pending` rows are ever sent."""

    PENDING = "pending"
    SENT = "sent"
    DEAD = "dead"  # gave up, or a permanent error: an operator may retry it
    SKIPPED = "skipped"  # no longer applied when its turn came


REVIEWERS = "reviewers"
"""Recipient meaning the reviewers' channel; any other recipient is a Slack user ID."""
CUSTOMER = "customer"
"""Recipient of an email kind: the registration's own pre-registered address."""


@dataclass(frozen=True)
class Notification:
    kind: Kind
    recipient: str
    registration_id: int | None = None
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Delivery:
    """A claimed outbox row: the notification, its id and how often it was tried."""

    id: int
    notification: Notification
    attempts: int


@dataclass(frozen=True)
class OutboxEntry:
    """One outbox row as an operator sees it."""

    id: int
    kind: str
    recipient: str
    registration_id: int | None
    status: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    sent_at: datetime | None
    last_error: str | None


class Outbox(Protocol):
    def add(self, notification: Notification, now: datetime) -> None: ...
    def claim(
        self, now: datetime, lease: timedelta, limit: int, owner: str | None = None
    ) -> Sequence[Delivery]:
        """Take due rows for `lease`, marked with `owner`; a crashed sender's rows come back
        when the lease runs out, or at once when its owner is known dead (`release`)."""
        ...

    def claim_in_order(
        self, now: datetime, lease: timedelta, limit: int, owner: str | None = None
    ) -> Sequence[Delivery]:
        """As `claim`, but none of a lane (bot.services.lanes.lane_of: a recipient, or its
        App Home) that has a row claimed by anyone and not yet done: its rows go out in the
        order written, whichever claimer takes them."""
        ...

    def claim_owners(self, now: datetime) -> set[str]:
        """Owners of the claims not yet run out."""
        ...

    def release(self, owner: str, now: datetime) -> int:
        """Hand back, due now, the rows `owner` holds; how many."""
        ...

    def unclaim(self, delivery_ids: Sequence[int]) -> None:
        """Hand back rows claimed and not tried (held back by pacing): as if never claimed."""
        ...

    def sent(self, delivery_id: int, now: datetime, result: dict[str, Any]) -> None: ...
    def retry(self, delivery_id: int, at: datetime, error: str) -> None: ...
    def dead(self, delivery_id: int, now: datetime, error: str) -> None: ...
    def skipped(self, delivery_id: int, now: datetime, reason: str) -> None: ...
    def entries(self, failed_only: bool, limit: int) -> Sequence[OutboxEntry]: ...
    def revive(self, delivery_id: int, now: datetime) -> bool:
        """A dead letter back to pending, due now; False when there is no such dead row."""
        ...

    def result_of(self, kind: Kind, registration_id: int) -> dict[str, Any] | None:
        """Where a delivered message landed (channel, ts), e.g. the review card."""
        ...

    def sent_to(
        self, recipient: str, registration_id: int, kinds: Sequence[Kind]
    ) -> Sequence[Sent]:
        """The messages of these kinds delivered to the recipient about the registration."""
        ...
