"""Inviting a pre-registered customer: the link, a QR code in the partner's DM, an email.

Each use case checks again that the customer is still invitable (pre-registered and within
its validity) and that the Slack user's company holds it: a stale button gets the truth.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.invite_email import check_cooldown
from bot.domain.model import Registration, Status
from bot.services.commands import OnRegistration
from bot.services.context import Context
from bot.services.errors import (
    EmailLimitReached,
    EmailNotConfigured,
    InvitingNotConfigured,
    NoEmailOnFile,
    NotInvitable,
)
from bot.services.idempotency import remember, replayed
from bot.services.invite_links import Invites
from bot.services.ports import UnitOfWork
from bot.services.records import note, own_as

EMAIL_USE_CASE = "email_invitation"
EMAILS_PER_DAY = 5
"""A partner cannot make the bot write to a customer more often than this."""
EMAIL_WINDOW = timedelta(days=1)

# Audit actions of invitations and of the customer's attempts.
EMAILED = "invitation_emailed"
QR_SENT = "invitation_qr_sent"
WRONG_IDENTITY = "invite_wrong_identity"
LINK_ENDED = "invite_link_ended"
ATTEMPTS_SHOWN = 5


class EmailOption(StrEnum):
    AVAILABLE = "available"
    NOT_CONFIGURED = "not_configured"
    NO_EMAIL = "no_email"
    LIMIT_REACHED = "limit_reached"


@dataclass(frozen=True)
class Attempt:
    """A failed try of the customer's: when and why, never what was typed."""

    at: datetime
    cause: str  # wrong_email, wrong_mobile, expired, deleted


@dataclass(frozen=True)
class Invitation:
    registration: Registration
    link: str
    email: EmailOption
    emails_today: int
    attempts: tuple[Attempt, ...] = ()
    """The customer's failed attempts, newest first."""
    email_limit: int = EMAILS_PER_DAY


class ShowInvitation(OnRegistration):
    """The link, its QR code and whether it may be emailed, for the partner to hand on."""


class SendQrCode(OnRegistration):
    """The link as a QR code, to the partner user's DM."""


class EmailInvitation(OnRegistration):
    request_key: str | None = None


def show_invitation(cmd: ShowInvitation, ctx: Context) -> Invitation:
    invites, now = _invites(ctx), ctx.now()
    with ctx.read() as uow:
        registration = _invitable(uow, cmd, now, lock=False)
        return _invitation(uow, invites, registration, cmd.user_id, now)


def fresh_invitation(registration: Registration, user_id: str, ctx: Context) -> Invitation | None:
    """Beside a pre-registration this very submission made: nothing was emailed nor tried on
    it yet, so its invitation needs no read of the database. None when invitations are off."""
    invites = ctx.invites
    if invites is None or registration.id is None or not invitable(registration, ctx.now()):
        return None
    link = invites.link(registration.id, user_id)
    return Invitation(registration, link, _email_option(invites, registration, 0), 0, ())


def send_qr_code(cmd: SendQrCode, ctx: Context) -> Invitation:
    """The QR code of the link goes to the partner's DM through the outbox (at once)."""
    invites, now = _invites(ctx), ctx.now()
    with ctx.uow() as uow:
        registration = _invitable(uow, cmd, now, lock=True)
        link = invites.link(cmd.registration_id, cmd.user_id)
        registration.invite_by_qr_code(cmd.user_id, link, now)
        uow.registrations.touched(registration)  # nothing stored: its event is the message
        note(uow, registration, now, cmd.user_id, QR_SENT)
        invitation = _invitation(uow, invites, registration, cmd.user_id, now)
        uow.commit()
        return invitation


def email_invitation(cmd: EmailInvitation, ctx: Context) -> Invitation:
    """At most EMAILS_PER_DAY a day and none within the cooldown of another: the
    registration's row is locked while the earlier sends are read."""
    invites, now = _invites(ctx), ctx.now()
    with ctx.uow() as uow:
        registration = _invitable(uow, cmd, now, lock=True)
        if replayed(uow, EMAIL_USE_CASE, cmd.request_key) is not None:
            return _invitation(uow, invites, registration, cmd.user_id, now)
        if not invites.email:
            raise EmailNotConfigured()
        if not registration.customer.email:
            raise NoEmailOnFile()
        assert registration.id is not None
        sent = uow.audit.times(registration.id, EMAILED, now - EMAIL_WINDOW)
        if len(sent) >= EMAILS_PER_DAY:
            raise EmailLimitReached(EMAILS_PER_DAY, sent[-EMAILS_PER_DAY] + EMAIL_WINDOW)
        check_cooldown(registration.customer.email, sent, now)
        registration.invite_by_email(cmd.user_id, invites.link(registration.id, cmd.user_id), now)
        uow.registrations.touched(registration)
        note(uow, registration, now, cmd.user_id, EMAILED)
        invitation = _invitation(uow, invites, registration, cmd.user_id, now)
        remember(uow, EMAIL_USE_CASE, cmd.request_key, now, registration_id=registration.id)
        uow.commit()
        return invitation


def invitable(registration: Registration, now: datetime) -> bool:
    return registration.status is Status.PREREGISTERED and registration.is_active(now)


def _invites(ctx: Context) -> Invites:
    if ctx.invites is None:
        raise InvitingNotConfigured()
    return ctx.invites


def _invitable(uow: UnitOfWork, cmd: OnRegistration, now: datetime, *, lock: bool) -> Registration:
    _, registration = own_as(uow, cmd, lock=lock)
    if not invitable(registration, now):
        status = Status.EXPIRED if registration.is_due_to_expire(now) else registration.status
        raise NotInvitable(status.value)
    return registration


def _invitation(
    uow: UnitOfWork, invites: Invites, registration: Registration, user_id: str, now: datetime
) -> Invitation:
    assert registration.id is not None
    emails_today = len(uow.audit.times(registration.id, EMAILED, now - EMAIL_WINDOW))
    option = _email_option(invites, registration, emails_today)
    failures = [
        Attempt(entry.at, str(entry.detail.get("cause", "unknown")))
        for entry in uow.audit.for_registration(registration.id)
        if entry.action in (WRONG_IDENTITY, LINK_ENDED)
    ]
    return Invitation(
        registration,
        invites.link(registration.id, user_id),
        option,
        emails_today,
        tuple(reversed(failures[-ATTEMPTS_SHOWN:])),
    )


def _email_option(invites: Invites, registration: Registration, emails_today: int) -> EmailOption:
    if not invites.email:
        return EmailOption.NOT_CONFIGURED
    if not registration.customer.email:
        return EmailOption.NO_EMAIL
    if emails_today >= EMAILS_PER_DAY:
        return EmailOption.LIMIT_REACHED
    return EmailOption.AVAILABLE
