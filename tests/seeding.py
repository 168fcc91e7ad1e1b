"""Registrations made through the real use cases, for tests that need one to exist."""

from __future__ import annotations

from datetime import datetime

from bot.domain.model import Customer, Registration, Status
from bot.services.context import Context
from bot.services.registrations import Preregister, preregister


def hold(context: Context, email: str, user: str = "UACME1") -> Registration:
    """The partner's user pre-registers a customer the rules let through at once."""
    done = preregister(Preregister(user, Customer("Kunde GmbH", "DE", email=email)), context)
    assert done.registration is not None and done.registration.status is Status.PREREGISTERED
    return done.registration


def ends(registration: Registration) -> datetime:
    """When a held registration ends: a pre-registered one always has its end."""
    assert registration.valid_until is not None
    return registration.valid_until


def ask_review(context: Context, email: str) -> Registration:
    """ACME asks for a review of a French customer (country mismatch), with a justification."""
    done = preregister(
        Preregister("UACME1", Customer("Kunde SARL", "FR", email=email), "Met at a fair"), context
    )
    assert done.registration is not None and done.registration.status is Status.PENDING_REVIEW
    return done.registration
