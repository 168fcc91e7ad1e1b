"""Which messages each event calls for, and to whom: the one table the outbox is filled from.

The unit of work calls `notifications_for` at commit for every event its registrations
recorded, so the messages are written in the same transaction as the change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from enum import Enum
from typing import Any

from bot.domain import events
from bot.domain.model import Partner, Registration
from bot.services.ports import REVIEWERS, Kind, Notification


class To(Enum):
    REVIEWERS = "the reviewers' channel"
    COMPANY = "every Slack user of the partner company"
    CREATOR = "the Slack user who made the registration"


_Payload = Callable[[Any], dict[str, Any]]


def _none(_: events.Event) -> dict[str, Any]:
    return {}


def _offset(event: events.ExpiryNear) -> dict[str, Any]:
    return {"offset_seconds": int(event.offset.total_seconds())}


def _may_decide(event: events.ReviewOverdue) -> dict[str, Any]:
    return {"reviewers": list(event.may_decide)}


_HOME = (Kind.HOME_REFRESH, To.COMPANY, _none)
_QUEUE = (Kind.HOME_REFRESH, To.REVIEWERS, _none)  # every reviewer's App Home: the queue
_DMS = (Kind.MESSAGES_REFRESH, To.COMPANY, _none)
"""After every change: each company user's App Home is published again, and the DMs
already sent about the registration are updated in place (no live button for a past state)."""

MESSAGES: dict[type[events.Event], tuple[tuple[Kind, To, _Payload], ...]] = {
    # The invitation link stays in Slack after the result view closes.
    events.Preregistered: ((Kind.PREREGISTERED, To.CREATOR, _none), _HOME),
    events.ReviewRequested: ((Kind.REVIEW_REQUEST, To.REVIEWERS, _none), _HOME, _QUEUE),
    # The card changes in place; every company user gets a DM.
    events.Approved: (
        (Kind.REVIEW_DECIDED, To.REVIEWERS, _none),
        (Kind.DECISION, To.COMPANY, _none),
        _HOME,
        _QUEUE,
    ),
    events.Rejected: (
        (Kind.REVIEW_DECIDED, To.REVIEWERS, _none),
        (Kind.DECISION, To.COMPANY, _none),
        _HOME,
        _QUEUE,
    ),
    events.Extended: (_HOME, _DMS),
    events.Deleted: (_HOME, _DMS),
    events.Expired: ((Kind.EXPIRED, To.COMPANY, _none), _HOME, _DMS),
    events.Associated: ((Kind.ASSOCIATED, To.COMPANY, _none), _HOME, _DMS),
    events.ExpiryNear: ((Kind.EXPIRY_REMINDER, To.COMPANY, _offset),),
    events.ReviewHalfway: ((Kind.REVIEW_HALFWAY, To.REVIEWERS, _none),),
    events.ReviewOverdue: ((Kind.REVIEW_OVERDUE, To.REVIEWERS, _may_decide),),
}


def notifications_for(
    event: events.Event, registration: Registration, partner: Partner | None
) -> Iterator[Notification]:
    for kind, to, payload in MESSAGES.get(type(event), ()):
        if to is To.REVIEWERS:
            yield Notification(kind, REVIEWERS, registration.id, payload(event))
        elif to is To.CREATOR:
            # Only while they still work for the company (not an import, not someone unlinked).
            creator = registration.created_by
            if partner is not None and creator in partner.slack_user_ids:
                yield Notification(kind, creator, registration.id, payload(event))
        else:
            for user_id in partner.slack_user_ids if partner else ():
                yield Notification(kind, user_id, registration.id, payload(event))
