"""What a message is about, loaded fresh when it is sent: the registration, its company,
its card, the dossier of a pending review, the extension request."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.domain.extension_requests import ExtensionRequest
from bot.domain.model import Partner, Registration, Status
from bot.domain.policy import Policy
from bot.services.dossier import Dossier, review_dossier
from bot.services.ports import REFRESHED, REVIEWERS, Delivery, Kind, Sent, UnitOfWork


@dataclass(frozen=True)
class Subject:
    """What a message is about, loaded fresh when it is sent."""

    registration: Registration | None = None
    partner: Partner | None = None
    review_card: dict[str, Any] | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    """What the notification itself carries (e.g. whom to mention)."""
    now: datetime | None = None
    """When it is sent: a message says what is true at that moment."""
    policy: Policy = field(default_factory=Policy)
    earlier: tuple[Sent, ...] = ()
    """For a refresh: the messages already sent about it to the recipient, to update."""
    dossier: Dossier | None = None
    """For a pending review card: the partner's record and possible duplicates."""
    extension: ExtensionRequest | None = None
    """For an extension request's messages: the request, as it stands now."""


_CARDS = frozenset({Kind.REVIEW_REQUEST, Kind.REVIEW_DECIDED, Kind.REVIEW_UPDATED})


def subject_of(
    delivery: Delivery,
    uow: Callable[[], UnitOfWork],
    now: datetime | None = None,
    policy: Policy | None = None,
) -> Subject:
    notification = delivery.notification
    registration_id = notification.registration_id
    payload = dict(notification.payload)
    policy = policy or Policy()
    if registration_id is None:
        return Subject(payload=payload, now=now, policy=policy)
    dossier, extension = None, None
    with uow() as reading:
        registration = reading.registrations.get(registration_id)
        partner = reading.partners.get(registration.partner_id) if registration else None
        card = reading.outbox.result_of(Kind.REVIEW_REQUEST, registration_id)
        if isinstance(payload.get("request"), int):
            extension = reading.extension_requests.get(payload["request"])
            card = extension_card_of(reading, registration_id, payload["request"])
        # A refresh may name the kinds it is for (say, only a question's DMs).
        kinds = tuple(Kind(k) for k in payload.get("kinds") or ()) or REFRESHED
        earlier = (
            tuple(reading.outbox.sent_to(notification.recipient, registration_id, kinds))
            if notification.kind is Kind.MESSAGES_REFRESH
            else ()
        )
        if (
            now is not None
            and registration is not None
            and registration.status is Status.PENDING_REVIEW
            and notification.kind in _CARDS
        ):
            dossier = review_dossier(reading, registration, policy, now)
        if now is not None and registration is not None and notification.kind in _EXTENSION_CARDS:
            dossier = review_dossier(reading, registration, policy, now)
    return Subject(
        registration,
        partner,
        card,
        payload,
        now=now,
        policy=policy,
        earlier=earlier,
        dossier=dossier,
        extension=extension,
    )


_EXTENSION_CARDS = frozenset({Kind.EXTENSION_REQUEST, Kind.EXTENSION_DECIDED})


def extension_card_of(
    reading: UnitOfWork, registration_id: int, request_id: int
) -> dict[str, Any] | None:
    """Where the card of that extension request landed (a registration may have had several)."""
    for posted in reading.outbox.sent_to(REVIEWERS, registration_id, (Kind.EXTENSION_REQUEST,)):
        if posted.payload.get("request") == request_id:
            return {"channel": posted.channel, "ts": posted.ts}
    return None
