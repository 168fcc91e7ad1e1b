"""Extensions through review: the partner asks, a reviewer approves or rejects, a request whose
reservation ended first lapses. `use_case(cmd, ctx)`, one transaction each."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain import extension_requests as rules
from bot.domain.errors import NotAReviewer
from bot.domain.extension_requests import ExtensionRequest, ExtensionRequestPending
from bot.domain.model import Registration
from bot.services.commands import Command, OnExtensionRequest, OnRegistration, OnReview
from bot.services.context import Context
from bot.services.errors import JustificationRequired, RegistrationNotFound
from bot.services.ports import Conflict, UnitOfWork
from bot.services.records import audit, own_as
from bot.services.reviews import decidable


class CheckCanRequestExtension(OnRegistration):
    """Before the partner types a justification: may it ask, now?"""


class RequestExtension(OnRegistration):
    justification: str


class CheckCanDecideExtension(OnExtensionRequest):
    """Before a reviewer types a rejection reason: may they, and is it still undecided?"""


class ApproveExtension(OnExtensionRequest):
    """One more validity, unless the reservation ended while the request waited."""


class RejectExtension(OnExtensionRequest):
    reason: str


class LapseExtensionRequests(Command):
    limit: int = 100


@dataclass(frozen=True)
class Requested:
    request: ExtensionRequest
    registration: Registration
    replayed: bool = False
    """The same request arrived again (a replayed submission): nothing new was sent."""


def check_can_request(cmd: CheckCanRequestExtension, ctx: Context) -> Registration:
    with ctx.uow() as uow:
        _, registration = own_as(uow, cmd)
    rules.check_request(registration, ctx.now(), ctx.policy)
    return registration


def request_extension(cmd: RequestExtension, ctx: Context) -> Requested:
    justification = cmd.justification.strip()
    if not justification:
        raise JustificationRequired()
    try:
        return _request(cmd, justification, ctx)
    except Conflict:
        # Two at once: the database kept one; the loser now sees it and is answered by it.
        return _request(cmd, justification, ctx)


def _request(cmd: RequestExtension, justification: str, ctx: Context) -> Requested:
    now = ctx.now()
    with ctx.uow() as uow:
        _, registration = own_as(uow, cmd)
        waiting = uow.extension_requests.pending_for(registration.id or 0)
        if waiting is not None:
            if waiting.requested_by == cmd.user_id and waiting.justification == justification:
                return Requested(waiting, registration, replayed=True)
            raise ExtensionRequestPending(waiting)
        asked = rules.request(
            registration, cmd.user_id, justification, now, ctx.policy, ctx.calendar
        )
        uow.extension_requests.add(asked)
        rules.requested(registration, asked)
        uow.registrations.save(registration)
        detail: dict[str, object] = {"request": asked.id, "justification": justification}
        audit(
            uow, registration, now, cmd.user_id, "extension_requested", registration.status, detail
        )
        uow.commit()
        return Requested(asked, registration)


def check_can_decide_extension(
    cmd: CheckCanDecideExtension, ctx: Context
) -> tuple[ExtensionRequest, Registration]:
    with ctx.uow() as uow:
        asked, registration = _decidable(uow, cmd, ctx)
    if not asked.pending:
        raise rules.ExtensionRequestDecided(asked)
    return asked, registration


def approve_extension(cmd: ApproveExtension, ctx: Context) -> ExtensionRequest:
    """A reservation that ended while the request waited is not brought back: it lapses."""
    now = ctx.now()
    with ctx.uow() as uow:
        asked, registration = _decidable(uow, cmd, ctx)
        if rules.has_lapsed(asked, registration, now):
            _lapse(uow, asked, registration, ctx)
        else:
            rules.approve(asked, registration, cmd.reviewer, now, ctx.policy)
            _decided(uow, asked, registration, ctx, "extension_approved", cmd.reviewer)
        uow.commit()
        return asked


def reject_extension(cmd: RejectExtension, ctx: Context) -> ExtensionRequest:
    now, reason = ctx.now(), cmd.reason.strip()
    with ctx.uow() as uow:
        asked, registration = _decidable(uow, cmd, ctx)
        if rules.has_lapsed(asked, registration, now):
            _lapse(uow, asked, registration, ctx)
        else:
            rules.reject(asked, registration, cmd.reviewer, reason, now)
            detail: dict[str, object] = {"reason": reason}
            _decided(uow, asked, registration, ctx, "extension_rejected", cmd.reviewer, detail)
        uow.commit()
        return asked


def lapse_extension_requests(cmd: LapseExtensionRequests, ctx: Context) -> list[ExtensionRequest]:
    """Claimed row by row (skip locked), so replicas running it never lapse one twice."""
    now = ctx.now()
    lapsed = []
    with ctx.uow() as uow:
        for asked in uow.extension_requests.pending(cmd.limit, lock=True):
            registration = uow.registrations.get(asked.registration_id, lock=True)
            if registration is not None and rules.has_lapsed(asked, registration, now):
                _lapse(uow, asked, registration, ctx)
                lapsed.append(asked)
        uow.commit()
    return lapsed


def _decidable(
    uow: UnitOfWork, cmd: OnExtensionRequest, ctx: Context
) -> tuple[ExtensionRequest, Registration]:
    """The review cards' rules (reviews.decidable): reviewers only, never for their own company."""
    if cmd.reviewer not in ctx.reviewers:
        raise NotAReviewer()  # before any read: a non-reviewer learns nothing
    asked = uow.extension_requests.get(cmd.request_id, lock=True)
    if asked is None:
        raise RegistrationNotFound()
    return asked, decidable(uow, OnReview(cmd.reviewer, asked.registration_id), ctx)


def _lapse(
    uow: UnitOfWork, asked: ExtensionRequest, registration: Registration, ctx: Context
) -> None:
    rules.lapse(asked, registration, ctx.now())
    _decided(uow, asked, registration, ctx, "extension_lapsed", None)


def _decided(
    uow: UnitOfWork,
    asked: ExtensionRequest,
    registration: Registration,
    ctx: Context,
    action: str,
    actor: str | None,
    detail: dict[str, object] | None = None,
) -> None:
    """Stored, and in the audit log under the reviewer (a lapse under nobody)."""
    uow.extension_requests.save(asked)
    uow.registrations.save(registration)
    full: dict[str, object] = {"request": asked.id, **(detail or {})}
    audit(uow, registration, ctx.now(), actor, action, registration.status, full)
