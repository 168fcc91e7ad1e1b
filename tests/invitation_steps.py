"""What the invitation tests share: a context with invitations, a held registration and its link."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.adapters.invite_tokens import SignedInviteTokens
from bot.domain.model import Customer, Partner, Status
from bot.services import registrations as uc
from bot.services.context import Context
from bot.services.invitations import ShowInvitation, show_invitation
from bot.services.invite_links import Invites

BASE = "https://prereg.example.com"
ACME = Partner("acme", "Acme & Co", "DE", email="s@acme.de", slack_user_ids=("UACME", "UACME2"))
BETA = Partner("beta", "Beta", "DE", email="s@beta.de", slack_user_ids=("UBETA",))


def with_invites(context: Context, email: bool = True) -> Context:
    return replace(context, invites=Invites(SignedInviteTokens("test-secret"), BASE, email))


@pytest.fixture
def ctx(context: Context) -> Context:
    with context.uow() as uow:
        uow.partners.add(ACME, context.now())
        uow.partners.add(BETA, context.now())
        uow.commit()
    return with_invites(context)


def hold(ctx: Context, **identity: str) -> int:
    who = Customer("Kunde GmbH", "DE", **identity)
    done = uc.preregister(uc.Preregister("UACME", who), ctx)
    assert done.registration is not None and done.registration.id is not None
    assert done.registration.status is Status.PREREGISTERED
    return done.registration.id


def token_of(link: str) -> str:
    assert link.startswith(f"{BASE}/invite/")
    return link.rsplit("/", 1)[1]


def link(ctx: Context, registration_id: int, user: str = "UACME") -> str:
    return show_invitation(ShowInvitation(user, registration_id), ctx).link


def outbox(ctx: Context) -> list[tuple[str, str, dict[str, object]]]:
    with ctx.uow() as uow:
        return [(e.kind, e.recipient, {}) for e in reversed(uow.outbox.entries(False, 100))]


def actions(ctx: Context, registration_id: int) -> list[str]:
    with ctx.uow() as uow:
        return [e.action for e in uow.audit.for_registration(registration_id)]
