"""Invitations under concurrency: one winner, and no limit exceeded."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from functools import partial

import pytest

from bot.adapters.database import session_factory
from bot.adapters.unit_of_work import SqlUnitOfWork
from bot.bootstrap import Runtime
from bot.domain.invite_email import EMAIL_COOLDOWN, EmailJustSent
from bot.domain.model import Status
from bot.services import registrations as uc
from bot.services.association import ATTEMPTS, Associate, Association, associate
from bot.services.context import Context
from bot.services.errors import EmailLimitReached, InvitationEnded, TooManyAttempts, WrongIdentity
from bot.services.invitations import EMAILS_PER_DAY, EmailInvitation, Invitation, email_invitation
from tests.conftest import Clock
from tests.invitation_steps import actions, hold, link, outbox, token_of
from tests.test_concurrency import race

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
