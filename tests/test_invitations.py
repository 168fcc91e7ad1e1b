"""Invitations and association as use cases, over the real unit of work (SQLite, PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from functools import partial

import pytest

from bot.adapters.database import session_factory
from bot.adapters.invite_tokens import SignedInviteTokens
from bot.adapters.unit_of_work import SqlUnitOfWork
from bot.bootstrap import Runtime
from bot.domain.identity import InvalidEmail
from bot.domain.invite_email import EMAIL_COOLDOWN, EmailJustSent
from bot.domain.model import Customer, CustomerFacts, Partner, Site, Status
from bot.services import registrations as uc
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
from bot.services.errors import (
    AlreadyAssociated,
    EmailLimitReached,
    EmailNotConfigured,
    InvalidInvitation,
    InvitationEnded,
    NoEmailOnFile,
    NotInvitable,
    RegistrationNotFound,
    TooManyAttempts,
    WrongIdentity,
)
from bot.services.invitations import (
    EMAILS_PER_DAY,
    EmailInvitation,
    EmailOption,
    Invitation,
    SendQrCode,
    ShowInvitation,
    email_invitation,
    send_qr_code,
    show_invitation,
)
from bot.services.invite_links import Invites
from bot.services.ports import Kind
from tests.conftest import Clock
from tests.test_concurrency import race

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


def test_emails_at_most_five_a_day_per_registration(ctx: Context, clock: Clock) -> None:
    rid = hold(ctx, email="it@kunde.de")
    start = clock.now
    for n in range(EMAILS_PER_DAY):
        clock.now = start + timedelta(hours=n)
        sent = email_invitation(EmailInvitation("UACME" if n % 2 else "UACME2", rid), ctx)
        assert sent.emails_today == n + 1
    assert sent.email is EmailOption.LIMIT_REACHED
    with pytest.raises(EmailLimitReached) as full:
        email_invitation(EmailInvitation("UACME", rid), ctx)
    assert full.value.next_at == start + timedelta(days=1)
    clock.now = start + timedelta(days=1)
    assert email_invitation(EmailInvitation("UACME", rid), ctx).emails_today == EMAILS_PER_DAY
    emails = [(k, r) for k, r, _ in outbox(ctx) if k == Kind.INVITE_EMAIL]
    assert emails == [("invite_email", "customer")] * (EMAILS_PER_DAY + 1)
    assert actions(ctx, rid).count("invitation_emailed") == EMAILS_PER_DAY + 1


def test_a_second_email_within_the_cooldown_is_refused_and_changes_nothing(
    ctx: Context, clock: Clock
) -> None:
    rid = hold(ctx, email="it@kunde.de")
    sent_at = clock.now
    email_invitation(EmailInvitation("UACME", rid, "click-1"), ctx)
    clock.advance(EMAIL_COOLDOWN - timedelta(seconds=1))
    with pytest.raises(EmailJustSent) as refused:  # a colleague's click, a moment later
        email_invitation(EmailInvitation("UACME2", rid, "click-2"), ctx)
    assert refused.value.address == "it@kunde.de"
    assert (refused.value.sent_at, refused.value.next_at) == (sent_at, sent_at + EMAIL_COOLDOWN)
    assert actions(ctx, rid).count("invitation_emailed") == 1
    # The first click replayed is still answered as sent, not refused.
    assert email_invitation(EmailInvitation("UACME", rid, "click-1"), ctx).emails_today == 1
    clock.advance(timedelta(seconds=1))
    assert email_invitation(EmailInvitation("UACME2", rid, "click-3"), ctx).emails_today == 2
    assert [k for k, _, _ in outbox(ctx)].count("invite_email") == 2


def test_without_smtp_there_is_no_email_option(ctx: Context) -> None:
    rid = hold(ctx, email="it@kunde.de")
    no_mail = replace(ctx, invites=replace(ctx.invites, email=False))  # type: ignore[type-var]
    assert show_invitation(ShowInvitation("UACME", rid), no_mail).email is (
        EmailOption.NOT_CONFIGURED
    )
    with pytest.raises(EmailNotConfigured):
        email_invitation(EmailInvitation("UACME", rid), no_mail)
    assert [k for k, _, _ in outbox(ctx)].count("invite_email") == 0


def test_qr_code_goes_to_the_outbox_with_the_senders_link(ctx: Context) -> None:
    rid = hold(ctx, email="it@kunde.de")
    send_qr_code(SendQrCode("UACME2", rid), ctx)
    with ctx.uow() as uow:
        (delivery,) = [
            d
            for d in uow.outbox.claim(ctx.now(), timedelta(minutes=1), 10)
            if d.notification.kind is Kind.INVITE_QR
        ]
    assert delivery.notification.recipient == "UACME2"
    assert delivery.notification.payload["link"] == link(ctx, rid, "UACME2")
    assert "invitation_qr_sent" in actions(ctx, rid)


# -- Races: the registration's row decides, on both databases --------------------------


@pytest.fixture
def bare(ctx: Context, runtime: Runtime) -> Context:
    """Units of work without the in-process SQLite writer queue: only the database decides."""
    return replace(ctx, uow=partial(SqlUnitOfWork, session_factory(runtime.engine)))


@pytest.mark.parametrize("rival", ["delete", "expire"])
def test_association_racing_deletion_or_expiry_has_exactly_one_winner(
    bare: Context, clock: Clock, rival: str
) -> None:
    for round_ in range(8):
        rid = hold(bare, email=f"race{round_}@kunde.de")
        token = token_of(link(bare, rid))
        if rival == "expire":
            with bare.uow() as uow:  # the registration ends right now
                registration = uow.registrations.get(rid)
                assert registration is not None
                registration.valid_until = clock.now + timedelta(microseconds=1)
                uow.registrations.save(registration)
                uow.commit()

        def attempt(i: int, rid: int = rid, token: str = token, n: int = round_) -> object:
            if i == 0:
                return associate(Associate(token, f"race{n}@kunde.de", "Ida"), bare)
            if rival == "delete":
                return uc.delete(uc.Delete("UACME", rid), bare)
            later = replace(bare, clock=lambda: clock.now + timedelta(seconds=1))
            return uc.expire_due(uc.ExpireDue(), later)

        results = race(2, attempt)
        with bare.uow() as uow:
            final = uow.registrations.get(rid)
        assert final is not None
        associated = isinstance(results[0], Association)
        if rival == "delete":
            deleted = not isinstance(results[1], Exception)
            assert associated != deleted, results
            assert final.status is (Status.ASSOCIATED if associated else Status.DELETED)
        else:
            expired = results[1] != []
            assert not isinstance(results[1], Exception), results
            assert associated != expired, results
            assert final.status is (Status.ASSOCIATED if associated else Status.EXPIRED)
        if not associated:
            assert isinstance(results[0], InvitationEnded), results


def test_concurrent_wrong_attempts_never_exceed_the_limit(bare: Context) -> None:
    rid = hold(bare, email="it@kunde.de")
    token = token_of(link(bare, rid))
    results = race(
        ATTEMPTS + 5, lambda i: associate(Associate(token, f"g{i}@kunde.de", "Eve"), bare)
    )
    assert sum(isinstance(r, WrongIdentity) for r in results) == ATTEMPTS, results
    assert sum(isinstance(r, TooManyAttempts) for r in results) == 5, results


def test_concurrent_emails_never_exceed_the_daily_cap(bare: Context, clock: Clock) -> None:
    rid = hold(bare, email="it@kunde.de")
    start = clock.now

    def send(i: int) -> object:  # clicks further apart than the cooldown, raced all the same
        later = replace(bare, clock=lambda: start + i * 2 * EMAIL_COOLDOWN)
        return email_invitation(EmailInvitation("UACME", rid), later)

    results = race(8, send)
    assert sum(isinstance(r, EmailLimitReached) for r in results) == 8 - EMAILS_PER_DAY, results
    assert actions(bare, rid).count("invitation_emailed") == EMAILS_PER_DAY


def test_concurrent_clicks_within_the_cooldown_send_one_email(bare: Context) -> None:
    rid = hold(bare, email="it@kunde.de")
    users = ["UACME", "UACME2"] * 3  # double clicks and colleagues, all at once
    results = race(6, lambda i: email_invitation(EmailInvitation(users[i], rid, f"k{i}"), bare))
    assert sum(isinstance(r, Invitation) for r in results) == 1, results
    assert sum(isinstance(r, EmailJustSent) for r in results) == 5, results
    assert actions(bare, rid).count("invitation_emailed") == 1
    assert [k for k, _, _ in outbox(bare)].count("invite_email") == 1
