"""Use cases of the reviewers: approve or reject a review request, one decision only."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from bot.domain.errors import TransitionNotAllowed
from bot.domain.model import Partner, Registration, Status
from bot.domain.policy import Policy
from bot.services.errors import NotAReviewer, OwnCompanyReview, RegistrationNotFound
from bot.services.ports import REVIEWERS, Kind, Notification, UnitOfWork
from bot.services.records import audit, partner_of


def approve(
    registration_id: int,
    reviewer: str,
    reviewers: Collection[str],
    uow: UnitOfWork,
    policy: Policy,
    now: datetime,
) -> Registration:
    with uow:
        registration, partner = _decidable(uow, registration_id, reviewer, reviewers)
        before = registration.status
        registration.approve(reviewer, now, policy.validity)
        uow.registrations.save(registration)
        audit(uow, registration, now, reviewer, "approved", before)
        _announce_decision(uow, registration, partner, now)
        uow.commit()
        return registration


def reject(
    registration_id: int,
    reviewer: str,
    reason: str,
    reviewers: Collection[str],
    uow: UnitOfWork,
    now: datetime,
) -> Registration:
    with uow:
        registration, partner = _decidable(uow, registration_id, reviewer, reviewers)
        before = registration.status
        registration.reject(reviewer, reason.strip(), now)
        uow.registrations.save(registration)
        audit(uow, registration, now, reviewer, "rejected", before, {"reason": reason.strip()})
        _announce_decision(uow, registration, partner, now)
        uow.commit()
        return registration


def check_can_decide(
    registration_id: int, reviewer: str, reviewers: Collection[str], uow: UnitOfWork
) -> Registration:
    """Before a reviewer types a rejection reason: may they, and is it still undecided?"""
    with uow:
        registration, _ = _decidable(uow, registration_id, reviewer, reviewers)
    if registration.status is not Status.PENDING_REVIEW:
        raise TransitionNotAllowed("decide", registration.status)
    return registration


def _decidable(
    uow: UnitOfWork, registration_id: int, reviewer: str, reviewers: Collection[str]
) -> tuple[Registration, Partner]:
    if reviewer not in reviewers:
        raise NotAReviewer()
    registration = uow.registrations.get(registration_id, lock=True)
    if registration is None:
        raise RegistrationNotFound()
    partner = partner_of(uow, registration.partner_id)
    if reviewer in partner.slack_user_ids:
        raise OwnCompanyReview()
    return registration, partner


def _announce_decision(
    uow: UnitOfWork, registration: Registration, partner: Partner, now: datetime
) -> None:
    """The card in the reviewers' channel changes in place; every company user gets a DM."""
    uow.outbox.add(Notification(Kind.REVIEW_DECIDED, REVIEWERS, registration.id), now)
    for user_id in partner.slack_user_ids:
        uow.outbox.add(Notification(Kind.DECISION, user_id, registration.id), now)
