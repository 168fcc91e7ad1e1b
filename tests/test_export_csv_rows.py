"""The CSV export's quick path writes exactly what the records' path writes, formula
guard included."""

from __future__ import annotations

import io
from datetime import timedelta

from bot.adapters.export import registration_records, write_csv, write_registrations_csv
from bot.bootstrap import Runtime
from bot.domain.model import Customer
from bot.services.partners import AddPartner, add_partner
from bot.services.registrations import Preregister, preregister
from tests import seeding
from tests.conftest import Clock


def quick_csv(runtime: Runtime) -> str:
    """What the quick path writes, once it is checked to be what the records' path writes."""
    with runtime.engine.connect() as connection:
        quick = io.StringIO()
        write_registrations_csv(connection, quick)
        by_records = io.StringIO()
        write_csv(registration_records(connection), by_records)
    assert quick.getvalue() == by_records.getvalue()
    return quick.getvalue()


def test_both_paths_write_the_same_text(runtime: Runtime, clock: Clock) -> None:
    context = runtime.context
    add_partner(
        AddPartner("acme", "Acme", "DE", email="s@acme.example", slack_user_ids=("UACME1",)),
        context,
    )
    seeding.hold(context, "plain@kunde.example")
    clock.advance(timedelta(hours=3))
    seeding.ask_review(context, "review@kunde.example")
    for n, name in enumerate(("=HYPERLINK(1)", "+1 Corp", "-minus", "@at")):
        customer = Customer(name, "DE", email=f"formula{n}@kunde.example", mobile=None)
        preregister(Preregister("UACME1", customer), context)
    text = quick_csv(runtime)
    assert "'=HYPERLINK(1)" in text
    assert len(text.splitlines()) == 7
    with runtime.engine.connect() as connection:
        picked = io.StringIO()
        write_registrations_csv(connection, picked, statuses=["pending_review"])
    assert [line.split(",")[3] for line in picked.getvalue().splitlines()] == [
        "email",
        "review@kunde.example",
    ]
