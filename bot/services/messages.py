"""Which messages each event calls for, and to whom: the one table the outbox is filled from.

The unit of work calls `notifications_for` at commit for every event its registrations
recorded, so the messages are written in the same transaction as the change.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from enum import Enum
from typing import Any

from bot.domain import events
from bot.domain.justification import preview
from bot.domain.model import Partner, Registration
from bot.domain.waitlist import WaitEntry
from bot.services.ports import CUSTOMER, REVIEWERS, Kind, Notification


class To(Enum):
    REVIEWERS = "the reviewers' channel"
    COMPANY = "every Slack user of the partner company"
    CREATOR = "the Slack user who made the registration"
    WAITING = "each partner waiting for the customer, in the order they asked"
    ASKER = "the Slack user who asked for it"
    CUSTOMER = "the customer, by email"


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
_QUESTION_KINDS = [Kind.QUESTION.value, Kind.QUESTION_REMINDER.value]
_QUESTION_DMS = (Kind.MESSAGES_REFRESH, To.COMPANY, lambda _: {"kinds": _QUESTION_KINDS})
"""Only the question's DMs: once answered or decided no live Reply button stays."""
_HOMES = (_HOME, _QUEUE)
"""A review case changed: the company's App Home and every reviewer's queue."""
_FREED = (Kind.CUSTOMER_FREED, To.WAITING, _none)
"""A hold that ends tells the partners waiting for the customer."""


def _asked(event: events.InfoRequested) -> dict[str, Any]:
    return {"reviewer": event.reviewer, "question": event.question}


def _link(event: events.QrCodeRequested) -> dict[str, Any]:
    return {"link": event.link}


def _emailed(event: events.InvitationEmailed) -> dict[str, Any]:
    told = {"recipient": event.user}
    return {
        "link": event.link,
        "sender": event.user,
        # The partner hears how it went: the dispatcher adds these when the mail is
        # delivered, or when it finally gives up.
        "then": {
            "sent": {"kind": Kind.INVITE_EMAIL_SENT.value, **told},
            "dead": {"kind": Kind.INVITE_EMAIL_FAILED.value, **told},
        },
    }


def _request(event: events.ExtensionRequested | events.ExtensionDecided) -> dict[str, Any]:
    return {"request": event.request_id}


def _chased(event: events.ExtensionChased) -> dict[str, Any]:
    return {
        "request": event.request_id,
        "overdue": event.overdue,
        "reviewers": list(event.may_decide),
    }


def _answered(event: events.InfoGiven) -> dict[str, Any]:
    # The answer lives only here: the registration keeps the open question, not past ones.
    return {"user": event.user, "question": event.question, "answer": event.answer}


MESSAGES: dict[type[events.Event], tuple[tuple[Kind, To, _Payload], ...]] = {
    # The invitation link stays in Slack after the result view closes.
    events.Preregistered: ((Kind.PREREGISTERED, To.CREATOR, _none), _HOME),
    events.ReviewRequested: (
        (Kind.REVIEW_REQUEST, To.REVIEWERS, _none),
        # The card shows a long justification cut short; the whole text goes in its thread.
        (Kind.REVIEW_JUSTIFICATION, To.REVIEWERS, _none),
        *_HOMES,
    ),
    # The card changes in place; every company user gets a DM.
    events.Approved: (
        (Kind.REVIEW_DECIDED, To.REVIEWERS, _none),
        (Kind.DECISION, To.COMPANY, _none),
        *_HOMES,
        _QUESTION_DMS,  # a question still open: its DMs lose their Reply button
    ),
    events.Rejected: (
        (Kind.REVIEW_DECIDED, To.REVIEWERS, _none),
        (Kind.DECISION, To.COMPANY, _none),
        _FREED,
        *_HOMES,
        _QUESTION_DMS,  # also a lapsed question's DMs
    ),
    # Need more info: the card shows the pause, the thread keeps the exchange.
    events.InfoRequested: (
        (Kind.REVIEW_UPDATED, To.REVIEWERS, _none),
        (Kind.QUESTION_IN_THREAD, To.REVIEWERS, _asked),
        (Kind.QUESTION, To.COMPANY, _none),
        *_HOMES,
    ),
    events.InfoGiven: (
        (Kind.REVIEW_UPDATED, To.REVIEWERS, _none),
        (Kind.ANSWER_IN_THREAD, To.REVIEWERS, _answered),
        *_HOMES,
        _QUESTION_DMS,
    ),
    # Extensions through review: a card of its own kind; the partner hears the outcome.
    events.ExtensionRequested: (
        (Kind.EXTENSION_REQUEST, To.REVIEWERS, _request),
        *_HOMES,
        _DMS,
    ),
    events.ExtensionDecided: (
        (Kind.EXTENSION_DECIDED, To.REVIEWERS, _request),
        (Kind.EXTENSION_DECISION, To.COMPANY, _request),
        *_HOMES,
        _DMS,
    ),
    events.ExtensionChased: ((Kind.EXTENSION_CHASE, To.REVIEWERS, _chased),),
    events.InfoReminder: ((Kind.QUESTION_REMINDER, To.COMPANY, _none),),
    events.Extended: (_HOME, _DMS),
    events.Deleted: (_FREED, _HOME, _DMS),
    events.Expired: ((Kind.EXPIRED, To.COMPANY, _none), _FREED, _HOME, _DMS),
    events.Associated: ((Kind.ASSOCIATED, To.COMPANY, _none), _HOME, _DMS),
    events.QrCodeRequested: ((Kind.INVITE_QR, To.ASKER, _link),),
    events.InvitationEmailed: ((Kind.INVITE_EMAIL, To.CUSTOMER, _emailed),),
    events.OpportunityChanged: (_HOME,),
    events.ExpiryNear: ((Kind.EXPIRY_REMINDER, To.COMPANY, _offset),),
    events.ReviewHalfway: ((Kind.REVIEW_HALFWAY, To.REVIEWERS, _none),),
    events.ReviewOverdue: ((Kind.REVIEW_OVERDUE, To.REVIEWERS, _may_decide),),
}
"""Every event of bot.domain.events sends something."""


def _typed(entry: WaitEntry) -> dict[str, Any]:
    customer = entry.customer
    fields = {"n": customer.name, "c": customer.country, "e": customer.email, "m": customer.mobile}
    return {"customer": json.dumps(fields, ensure_ascii=False, separators=(",", ":"))}


def _cut_on_the_card(registration: Registration) -> bool:
    return bool(registration.justification and preview(registration.justification))


ONLY_IF: dict[Kind, Callable[[Registration], bool]] = {
    Kind.REVIEW_JUSTIFICATION: _cut_on_the_card,
}
"""Messages that are owed only when their registration calls for them."""


def notifications_for(
    event: events.Event,
    registration: Registration,
    partner: Partner | None,
    waiting: Callable[[], Sequence[WaitEntry]] = lambda: (),
) -> Iterator[Notification]:
    """`waiting` hands over (and marks as told) the waiting list's entries for the customer."""
    for kind, to, payload in MESSAGES.get(type(event), ()):
        if kind in ONLY_IF and not ONLY_IF[kind](registration):
            continue
        if to is To.REVIEWERS:
            yield Notification(kind, REVIEWERS, registration.id, payload(event))
        elif to is To.ASKER:
            assert isinstance(event, events.QrCodeRequested)
            yield Notification(kind, event.user, registration.id, payload(event))
        elif to is To.CUSTOMER:
            yield Notification(kind, CUSTOMER, registration.id, payload(event))
        elif to is To.CREATOR:
            # Only while they still work for the company (not an import, not someone unlinked).
            creator = registration.created_by
            if partner is not None and creator in partner.slack_user_ids:
                yield Notification(kind, creator, registration.id, payload(event))
        elif to is To.WAITING:
            # Each in its own words (what it typed), never the previous holder's.
            for entry in waiting():
                freed = {"entry": entry.id, "name": entry.customer.name, **_typed(entry)}
                yield Notification(kind, entry.slack_user_id, registration.id, freed)
        else:
            for user_id in partner.slack_user_ids if partner else ():
                yield Notification(kind, user_id, registration.id, payload(event))


COMPANY_MESSAGES: dict[type[events.Event], tuple[Kind, ...]] = {
    # The user's App Home turns into the company's dashboard, or back into "not linked".
    events.UserLinked: (Kind.HOME_REFRESH,),
    events.UserUnlinked: (Kind.HOME_REFRESH,),
    events.CompanyUpdated: (Kind.HOME_REFRESH,),  # its name heads every user's Home
}
"""Events a partner company records: to the user concerned, else to each of its users."""


def company_notifications(event: events.Event, partner: Partner) -> Iterator[Notification]:
    user = getattr(event, "user", None)
    for kind in COMPANY_MESSAGES.get(type(event), ()):
        for recipient in (user,) if isinstance(user, str) else partner.slack_user_ids:
            yield Notification(kind, recipient)
