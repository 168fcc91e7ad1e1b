"""The customer's side of an invitation: open the link, confirm the identity, associate.

The registration's row is locked for the whole decision, so association racing expiry or
deletion has exactly one winner, and wrong attempts are counted in the database (the limit
holds across replicas).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.domain.identity import normalize_email, normalize_mobile
from bot.domain.model import CustomerFacts, Partner, Registration, Site, Status
from bot.services.commands import Command
from bot.services.context import Context
from bot.services.errors import (
    AlreadyAssociated,
    InvalidInvitation,
    InvitationEnded,
    InvitingNotConfigured,
    TooManyAttempts,
    WrongIdentity,
)
from bot.services.idempotency import remember, replayed
from bot.services.invitations import LINK_ENDED, WRONG_IDENTITY, invitable
from bot.services.invite_links import InviteToken
from bot.services.ports import UnitOfWork
from bot.services.records import audit, note, partner_of

ATTEMPTS = 5
ASSOCIATE = "associate"
ATTEMPT_WINDOW = timedelta(minutes=15)
"""ATTEMPTS wrong identities within ATTEMPT_WINDOW lock the invitation until the oldest of
them is older than the window."""
ENDED_NOTED_EVERY = timedelta(hours=1)
"""An ended link opened again and again is noted for the partner once in this while."""


class OpenInvitation(Command):
    token: str


class Associate(Command):
    token: str
    identity: str
    """The email typed by the customer (the mobile for a mobile-only registration)."""
    name: str


@dataclass(frozen=True)
class InvitationPage:
    partner_name: str
    valid_until: datetime
    field: str  # "email" or "mobile": what the customer confirms


@dataclass(frozen=True)
class Association:
    registration: Registration
    partner_name: str
    repeated: bool = False
    """A second submit of an association already made: nothing changed, same answer."""


def open_invitation(cmd: OpenInvitation, ctx: Context) -> InvitationPage:
    token, now = _verified(cmd.token, ctx), ctx.now()
    with ctx.uow() as uow:
        registration = _registration(uow, token, lock=False)
        partner = partner_of(uow, registration.partner_id)
        if registration.status is Status.ASSOCIATED:
            raise AlreadyAssociated()
        _still_invitable(uow, registration, token, now)
        assert registration.valid_until is not None
        return InvitationPage(partner.name, registration.valid_until, registration.identity_field)


def associate(cmd: Associate, ctx: Context) -> Association:
    """Registers the customer in the directory and associates them with the partner."""
    token, now = _verified(cmd.token, ctx), ctx.now()
    with ctx.uow() as uow:
        registration = _registration(uow, token, lock=True)
        partner = partner_of(uow, registration.partner_id)
        identity = _normalized(registration, cmd.identity)  # InvalidEmail / InvalidMobile
        # The invitation and who confirmed it are the request's key: one association each.
        key = f"{cmd.token}\x00{identity}"
        if replayed(uow, ASSOCIATE, key) is not None:
            return Association(registration, partner.name, repeated=True)
        if registration.status is Status.ASSOCIATED:
            if registration.identity_matches(identity):
                return Association(registration, partner.name, repeated=True)
            raise AlreadyAssociated()
        _still_invitable(uow, registration, token, now)
        assert registration.id is not None
        wrong = uow.audit.times(registration.id, WRONG_IDENTITY, now - ATTEMPT_WINDOW)
        if len(wrong) >= ATTEMPTS:
            raise TooManyAttempts(wrong[-ATTEMPTS] + ATTEMPT_WINDOW)
        if not registration.identity_matches(identity):
            field = registration.identity_field
            _attempt(uow, registration, token, WRONG_IDENTITY, f"wrong_{field}", now)
            uow.commit()
            raise WrongIdentity(field, ATTEMPTS - len(wrong) - 1)
        before = registration.status
        registration.associate(identity, now)
        uow.registrations.save(registration)
        _registered(uow, registration, partner, cmd.name.strip(), now)
        detail: dict[str, object] = {"invited_by": token.sender, "name": cmd.name.strip()}
        audit(uow, registration, now, "customer", "associated", before, detail)
        remember(uow, ASSOCIATE, key, now, registration_id=registration.id)
        uow.commit()
        return Association(registration, partner.name)


def _verified(text: str, ctx: Context) -> InviteToken:
    if ctx.invites is None:
        raise InvitingNotConfigured()
    token = ctx.invites.tokens.verify(text)
    if token is None:
        raise InvalidInvitation()
    return token


def _registration(uow: UnitOfWork, token: InviteToken, *, lock: bool) -> Registration:
    registration = uow.registrations.get(token.registration_id, lock=lock)
    if registration is None:
        raise InvalidInvitation()
    return registration


def _normalized(registration: Registration, typed: str) -> str:
    if registration.customer.email:
        return normalize_email(typed)
    return normalize_mobile(typed, registration.customer.country)


def _ended(
    uow: UnitOfWork, registration: Registration, token: InviteToken, now: datetime
) -> InvitationEnded:
    """Noted for the partner (at most once in a while), then refused."""
    status = Status.EXPIRED if registration.is_due_to_expire(now) else registration.status
    cause = "deleted" if status is Status.DELETED else "expired"
    assert registration.id is not None
    if not uow.audit.times(registration.id, LINK_ENDED, now - ENDED_NOTED_EVERY):
        _attempt(uow, registration, token, LINK_ENDED, cause, now)
    return InvitationEnded(status.value)


def _still_invitable(
    uow: UnitOfWork, registration: Registration, token: InviteToken, now: datetime
) -> None:
    """Raises InvitationEnded, once the attempt on an ended invitation is noted."""
    if not invitable(registration, now):
        ended = _ended(uow, registration, token, now)
        uow.commit()
        raise ended


def _attempt(
    uow: UnitOfWork,
    registration: Registration,
    token: InviteToken,
    action: str,
    cause: str,
    now: datetime,
) -> None:
    note(uow, registration, now, "customer", action, {"cause": cause, "invited_by": token.sender})


def _registered(
    uow: UnitOfWork, registration: Registration, partner: Partner, name: str, now: datetime
) -> None:
    """The directory now knows the customer as registered (intl, now) and associated; what
    it knew before (spend, contract…) stays."""
    customer = registration.customer
    same = [
        facts
        for facts in uow.directory.matching(customer.email, customer.mobile)
        if (customer.email and facts.email == customer.email)
        or (not customer.email and facts.mobile == customer.mobile)
    ]
    if same:
        known = same[0]
        facts = replace(
            known,
            name=known.name or name or customer.name,
            site=known.site or Site.INTL,
            registered_at=known.registered_at or now,
            associated_partner_id=partner.id,
        )
    else:
        facts = CustomerFacts(
            email=customer.email,
            mobile=customer.mobile,
            name=name or customer.name,
            site=Site.INTL,
            registered_at=now,
            country=customer.country,
            associated_partner_id=partner.id,
        )
    uow.directory.upsert(facts)
