"""Invitation links: who may make one, how long it lives, and tokens that do not verify."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.adapters.invite_tokens import SignedInviteTokens
from bot.domain.model import Customer, Status
from bot.services import registrations as uc
from bot.services.association import Associate, OpenInvitation, associate, open_invitation
from bot.services.context import Context
from bot.services.errors import (
    InvalidInvitation,
    InvitationEnded,
    NotInvitable,
    RegistrationNotFound,
)
from bot.services.invitations import SendQrCode, ShowInvitation, send_qr_code, show_invitation
from tests.conftest import Clock
from tests.invitation_steps import actions, hold, link, token_of


def test_the_link_names_registration_and_sender_and_opens_the_page(ctx: Context) -> None:
    rid = hold(ctx, email="it@kunde.de")
    mine, colleague = link(ctx, rid), link(ctx, rid, "UACME2")
    assert mine != colleague  # each link tags who sent it
    assert ctx.invites is not None
    token = ctx.invites.tokens.verify(token_of(colleague))
    assert token is not None and (token.registration_id, token.sender) == (rid, "UACME2")
    page = open_invitation(OpenInvitation(token_of(mine)), ctx)
    assert (page.partner_name, page.field) == ("Acme & Co", "email")
    with ctx.uow() as uow:
        registration = uow.registrations.get(rid)
    assert registration is not None and page.valid_until == registration.valid_until


def test_another_company_cannot_invite_and_pending_ones_cannot_be_invited(ctx: Context) -> None:
    rid = hold(ctx, email="it@kunde.de")
    with pytest.raises(RegistrationNotFound):
        show_invitation(ShowInvitation("UBETA", rid), ctx)
    pending = uc.preregister(
        uc.Preregister("UACME", Customer("Fr", "FR", email="fr@kunde.fr"), "met them"), ctx
    ).registration
    assert pending is not None and pending.id is not None
    with pytest.raises(NotInvitable, match="pending_review"):
        send_qr_code(SendQrCode("UACME", pending.id), ctx)


def test_links_live_exactly_as_long_as_their_preregistration(ctx: Context, clock: Clock) -> None:
    rid = hold(ctx, email="it@kunde.de")
    token = token_of(link(ctx, rid))
    with ctx.uow() as uow:
        registration = uow.registrations.get(rid)
    assert registration is not None and registration.valid_until is not None
    clock.now = registration.valid_until - timedelta(microseconds=1)
    assert open_invitation(OpenInvitation(token), ctx).field == "email"
    clock.now = registration.valid_until
    with pytest.raises(InvitationEnded, match="expired"):
        open_invitation(OpenInvitation(token), ctx)
    with pytest.raises(InvitationEnded):
        associate(Associate(token, "it@kunde.de", "Ida"), ctx)
    with ctx.uow() as uow:
        assert uow.registrations.get(rid).status is Status.PREREGISTERED  # type: ignore[union-attr]
    # Noted for the partner once in a while, not on every reload.
    assert actions(ctx, rid).count("invite_link_ended") == 1


def test_extending_keeps_old_links_and_deleting_ends_them(ctx: Context, clock: Clock) -> None:
    rid = hold(ctx, email="it@kunde.de")
    token = token_of(link(ctx, rid))
    clock.advance(ctx.policy.validity - timedelta(days=2))
    uc.extend(uc.Extend("UACME", rid), ctx)
    clock.advance(timedelta(days=3))  # past the first end: the extension carries the link
    assert open_invitation(OpenInvitation(token), ctx).field == "email"
    uc.delete(uc.Delete("UACME", rid), ctx)
    with pytest.raises(InvitationEnded, match="deleted"):
        associate(Associate(token, "it@kunde.de", "Ida"), ctx)
    with ctx.uow() as uow:
        (ended,) = [e for e in uow.audit.for_registration(rid) if e.action == "invite_link_ended"]
    assert ended.detail["cause"] == "deleted"


@pytest.mark.parametrize(
    "forged",
    ["", "garbage", "eyJyIjoxLCJ1IjoiVUFDTUUifQ", "eyJyIjoxLCJ1IjoiVUFDTUUifQ.AAAAAAAAAAAAAA"],
)
def test_tokens_that_do_not_verify_name_nothing(ctx: Context, forged: str) -> None:
    hold(ctx, email="it@kunde.de")
    with pytest.raises(InvalidInvitation):
        open_invitation(OpenInvitation(forged), ctx)
    with pytest.raises(InvalidInvitation):
        associate(Associate(forged, "it@kunde.de", "Ida"), ctx)


def test_tampered_and_foreign_tokens_are_refused(ctx: Context) -> None:
    rid = hold(ctx, email="it@kunde.de")
    other = hold(ctx, email="other@kunde.de")
    token = token_of(link(ctx, rid))
    payload, signature = token.split(".")
    # The other registration's payload under this signature: refused.
    other_payload = token_of(link(ctx, other)).split(".")[0]
    for tampered in (f"{other_payload}.{signature}", f"{payload}.{signature[:-2]}xx"):
        with pytest.raises(InvalidInvitation):
            open_invitation(OpenInvitation(tampered), ctx)
    foreign = SignedInviteTokens("another-secret")
    from bot.services.invite_links import InviteToken

    with pytest.raises(InvalidInvitation):
        open_invitation(OpenInvitation(foreign.sign(InviteToken(rid, "UACME"))), ctx)
