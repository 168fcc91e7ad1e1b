"""Use cases of the reviewers: approve or reject a review request, one decision only."""

from __future__ import annotations

from bot.domain.errors import NotAReviewer, TransitionNotAllowed
from bot.domain.model import Registration, Status
from bot.services.commands import OnReview
from bot.services.context import Context
from bot.services.errors import RegistrationNotFound
from bot.services.idempotency import remember, replayed
from bot.services.ports import UnitOfWork
from bot.services.records import audit, partner_of


class Approve(OnReview):
    request_key: str | None = None


class Reject(OnReview):
    reason: str
    preset: str | None = None
    """Which of the reject modal's preset reasons, if one was chosen."""
    request_key: str | None = None


class CheckCanDecide(OnReview):
    """Before a reviewer types a rejection reason: may they, and is it still undecided?"""


def approve(cmd: Approve, ctx: Context) -> Registration:
    now = ctx.now()
    with ctx.uow() as uow:
        registration = decidable(uow, cmd, ctx)
        if replayed(uow, "approve", cmd.request_key) is not None:
            return registration
        before = registration.status
        registration.approve(cmd.reviewer, now, ctx.policy.validity)
        uow.registrations.save(registration)
        audit(uow, registration, now, cmd.reviewer, "approved", before)
        remember(uow, "approve", cmd.request_key, now, registration_id=registration.id)
        uow.commit()
        return registration


def reject(cmd: Reject, ctx: Context) -> Registration:
    now = ctx.now()
    reason = cmd.reason.strip()
    with ctx.uow() as uow:
        registration = decidable(uow, cmd, ctx)
        if replayed(uow, "reject", cmd.request_key) is not None:
            return registration
        before = registration.status
        registration.reject(cmd.reviewer, reason, now)
        uow.registrations.save(registration)
        detail: dict[str, object] = {"reason": reason, "preset": cmd.preset}
        audit(uow, registration, now, cmd.reviewer, "rejected", before, detail)
        remember(uow, "reject", cmd.request_key, now, registration_id=registration.id)
        uow.commit()
        return registration


def check_can_decide(cmd: CheckCanDecide, ctx: Context) -> Registration:
    with ctx.uow() as uow:
        registration = decidable(uow, cmd, ctx)
    if registration.status is not Status.PENDING_REVIEW:
        raise TransitionNotAllowed("decide", registration.status, registration)
    return registration


def decidable(uow: UnitOfWork, cmd: OnReview, ctx: Context) -> Registration:
    """The registration, locked, when the reviewer may decide it: never for their own company."""
    if cmd.reviewer not in ctx.reviewers:
        # Before any read: someone who is no reviewer learns nothing, not even whether it exists.
        raise NotAReviewer()
    registration = uow.registrations.get(cmd.registration_id, lock=True)
    if registration is None:
        raise RegistrationNotFound()
    partner_of(uow, registration.partner_id).check_reviewer(cmd.reviewer, ctx.reviewers)
    return registration
