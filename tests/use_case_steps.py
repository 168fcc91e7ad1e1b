"""What the use-case tests share: a context on the test database, a customer, a submission and the
audit."""

from __future__ import annotations

import pytest

from bot.domain.model import Customer, Partner
from bot.services import registrations as uc
from bot.services.context import Context


@pytest.fixture
def ctx(context: Context) -> Context:
    with context.uow() as uow:
        uow.partners.add(
            Partner("acme", "Acme", "DE", email="sales@acme.de", slack_user_ids=("UACME", "Uacme")),
            context.now(),
        )
        uow.partners.add(
            Partner("beta", "Beta", "DE", mobile="+4930999999", slack_user_ids=("Ubeta",)),
            context.now(),
        )
        uow.partners.add(Partner("mute", "Mute", "DE", slack_user_ids=("Umute",)), context.now())
        uow.commit()
    return context


def customer(n: int = 1, country: str = "DE", **kw: str) -> Customer:
    values = {"email": f"it{n}@kunde.de", "mobile": f"+49301234{n:03d}"}
    values.update(kw)
    return Customer(f"Kunde {n}", country, **values)


def submit(
    ctx: Context, partner: str, who: Customer, justification: str | None = None
) -> uc.Submission:
    return uc.preregister(uc.Preregister(f"U{partner}", who, justification), ctx)


def audit(ctx: Context, registration_id: int) -> list[tuple[str, str | None, str | None]]:
    with ctx.uow() as uow:
        return [
            (e.action, e.from_status, e.to_status)
            for e in uow.audit.for_registration(registration_id)
        ]
