"""Invitations by email and QR code: the daily cap, the cooldown, and no email without SMTP."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from bot.domain.invite_email import EMAIL_COOLDOWN, EmailJustSent
from bot.services.context import Context
from bot.services.errors import EmailLimitReached, EmailNotConfigured
from bot.services.invitations import (
    EMAILS_PER_DAY,
    EmailInvitation,
    EmailOption,
    SendQrCode,
    ShowInvitation,
    email_invitation,
    send_qr_code,
    show_invitation,
)
from bot.services.ports import Kind
from tests.conftest import Clock
from tests.invitation_steps import actions, hold, link, outbox


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
