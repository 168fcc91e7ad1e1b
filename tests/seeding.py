"""Registrations made through the real use cases, for tests that need one to exist."""

from __future__ import annotations

from bot.domain.model import Customer, Registration, Status
from bot.services.context import Context
from bot.services.registrations import Submit, preregister


def hold(context: Context, email: str, partner: str = "acme") -> Registration:
    """The partner pre-registers a customer the rules let through at once."""
    done = preregister(
        Submit(partner, Customer("Kunde GmbH", "DE", email=email), actor="UACME1"),
        context.uow(),
        context.policy,
        context.calendar,
        context.now(),
    )
    assert done.registration is not None and done.registration.status is Status.PREREGISTERED
    return done.registration


def ask_review(context: Context, email: str) -> Registration:
    """ACME asks for a review of a French customer (country mismatch), with a justification."""
    done = preregister(
        Submit(
            "acme",
            Customer("Kunde SARL", "FR", email=email),
            actor="UACME1",
            justification="Met at a fair",
        ),
        context.uow(),
        context.policy,
        context.calendar,
        context.now(),
    )
    assert done.registration is not None and done.registration.status is Status.PENDING_REVIEW
    return done.registration
