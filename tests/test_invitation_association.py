"""A customer confirms an invitation: the association, a double submit, and wrong identities."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.identity import InvalidEmail
from bot.domain.model import CustomerFacts, Site, Status
from bot.services.association import (
    ATTEMPT_WINDOW,
    ATTEMPTS,
    Associate,
    Association,
    OpenInvitation,
    associate,
    open_invitation,
)
from bot.services.context import Context
from bot.services.errors import AlreadyAssociated, NoEmailOnFile, TooManyAttempts, WrongIdentity
from bot.services.invitations import (
    EmailInvitation,
    EmailOption,
    ShowInvitation,
    email_invitation,
    show_invitation,
)
from bot.services.ports import Kind
from tests.conftest import Clock
from tests.invitation_steps import actions, hold, link, outbox, token_of


def test_associating_registers_the_customer_and_tells_the_partner(ctx: Context) -> None:
    rid = hold(ctx, email="it@kunde.de")
    with ctx.uow() as uow:  # the directory knew some facts already: they stay
        uow.directory.upsert(CustomerFacts(email="it@kunde.de", has_spend=False, country="DE"))
        uow.commit()
    done = associate(Associate(token_of(link(ctx, rid)), " IT@Kunde.DE ", "Ida Tester"), ctx)
    assert isinstance(done, Association) and not done.repeated
    assert done.registration.status is Status.ASSOCIATED
    with ctx.uow() as uow:
        (facts,) = uow.directory.matching("it@kunde.de", None)
        entries = uow.audit.for_registration(rid)
    assert (facts.site, facts.registered_at, facts.associated_partner_id) == (
        Site.INTL,
        ctx.now(),
        "acme",
    )
    assert facts.has_spend is False and facts.name == "Ida Tester"
    associated = entries[-1]
    assert (associated.action, associated.actor, associated.to_status) == (
        "associated",
        "customer",
        Status.ASSOCIATED,
    )
    assert associated.detail["invited_by"] == "UACME"
    told = [(k, r) for k, r, _ in outbox(ctx) if k == Kind.ASSOCIATED]
    assert sorted(told) == [("associated", "UACME"), ("associated", "UACME2")]


def test_a_double_submit_associates_once_and_answers_the_same(ctx: Context) -> None:
    rid = hold(ctx, email="it@kunde.de")
    token = token_of(link(ctx, rid))
    associate(Associate(token, "it@kunde.de", "Ida"), ctx)
    again = associate(Associate(token, "it@kunde.de", "Ida"), ctx)
    assert again.repeated and again.partner_name == "Acme & Co"
    assert actions(ctx, rid).count("associated") == 1
    assert [k for k, _, _ in outbox(ctx)].count("associated") == 2  # one per user, once
    with pytest.raises(AlreadyAssociated):
        associate(Associate(token, "someone@else.de", "Eve"), ctx)
    with pytest.raises(AlreadyAssociated):
        open_invitation(OpenInvitation(token), ctx)


def test_mobile_only_registrations_are_confirmed_by_mobile(ctx: Context) -> None:
    rid = hold(ctx, mobile="+4930123456")
    token = token_of(link(ctx, rid))
    assert open_invitation(OpenInvitation(token), ctx).field == "mobile"
    assert show_invitation(ShowInvitation("UACME", rid), ctx).email is EmailOption.NO_EMAIL
    with pytest.raises(NoEmailOnFile):
        email_invitation(EmailInvitation("UACME", rid), ctx)
    with pytest.raises(WrongIdentity) as wrong:
        associate(Associate(token, "030 999999", "Ida"), ctx)
    assert wrong.value.field == "mobile"
    # Written as dialled in the customer's country, it is the same number in E.164.
    done = associate(Associate(token, "030 123456", "Ida"), ctx)
    assert done.registration.status is Status.ASSOCIATED


def test_wrong_identities_are_counted_then_refused_until_the_window_passes(
    ctx: Context, clock: Clock
) -> None:
    rid = hold(ctx, email="it@kunde.de")
    token = token_of(link(ctx, rid))
    first = clock.now
    lefts = []
    for n in range(ATTEMPTS):
        clock.advance(timedelta(minutes=1))
        with pytest.raises(WrongIdentity) as wrong:
            associate(Associate(token, f"guess{n}@kunde.de", "Eve"), ctx)
        lefts.append(wrong.value.attempts_left)
    assert lefts == [4, 3, 2, 1, 0]
    with pytest.raises(TooManyAttempts) as locked:
        associate(Associate(token, "it@kunde.de", "Ida"), ctx)  # even the right one waits
    assert locked.value.retry_at == first + timedelta(minutes=1) + ATTEMPT_WINDOW
    # A malformed email is a form error: it is neither counted nor recorded.
    clock.now = locked.value.retry_at
    with pytest.raises(InvalidEmail):
        associate(Associate(token, "not an email", "Eve"), ctx)
    done = associate(Associate(token, "it@kunde.de", "Ida"), ctx)
    assert done.registration.status is Status.ASSOCIATED
    assert actions(ctx, rid).count("invite_wrong_identity") == ATTEMPTS
    attempts = show_invitation_attempts(ctx, rid)
    assert attempts == ["wrong_email"] * ATTEMPTS


def show_invitation_attempts(ctx: Context, rid: int) -> list[str]:
    with ctx.uow() as uow:
        return [
            e.detail["cause"]
            for e in uow.audit.for_registration(rid)
            if e.action == "invite_wrong_identity"
        ]


def test_the_partner_sees_failed_attempts_never_what_was_typed(ctx: Context) -> None:
    rid = hold(ctx, email="it@kunde.de")
    with pytest.raises(WrongIdentity):
        associate(Associate(token_of(link(ctx, rid)), "secret.guess@kunde.de", "Eve"), ctx)
    invitation = show_invitation(ShowInvitation("UACME", rid), ctx)
    assert [(a.cause, a.at) for a in invitation.attempts] == [("wrong_email", ctx.now())]
    with ctx.uow() as uow:
        assert "secret.guess" not in repr(uow.audit.for_registration(rid))
