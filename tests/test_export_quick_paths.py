"""The exports' CSV quick paths (values as the driver hands them over, formatted without
SQLAlchemy's types) write byte for byte what the records' paths write, on both databases:
odd amounts, NULLs, times with and without microseconds, formula-like texts."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta, timezone

from sqlalchemy import insert, update

from bot.adapters.export import (
    utc_text,
    write_csv,
    write_csv_rows,
)
from bot.adapters.opportunity_export import COLUMNS, opportunity_csv_rows, opportunity_records
from bot.adapters.orm import OpportunityRow, RegistrationRow
from bot.bootstrap import Runtime
from bot.services.partners import AddPartner, add_partner
from tests import seeding
from tests.conftest import Clock
from tests.test_export_csv_rows import quick_csv


def _seed(runtime: Runtime, clock: Clock) -> int:
    context = runtime.context
    add_partner(
        AddPartner("acme", "=Acme", "DE", email="s@acme.example", slack_user_ids=("UACME1",)),
        context,
    )
    held = seeding.hold(context, "it@kunde.example")
    seeding.ask_review(context, "review@kunde.example")
    assert held.id is not None
    with runtime.engine.begin() as connection:
        # A time with microseconds, and one decided in another offset.
        connection.execute(
            update(RegistrationRow)
            .where(RegistrationRow.id == held.id)
            .values(
                customer_name="@SUM(A1)",
                created_at=clock() + timedelta(microseconds=1234),
                decided_at=datetime(2026, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=2))),
                decided_by="-U1",
            )
        )
    return held.id


def _opportunity(registration: int, n: int, **values: object) -> dict[str, object]:
    row: dict[str, object] = {
        "registration_id": registration,
        "name": f"Deal {n}",
        "amount_cents": None,
        "currency": None,
        "close_date": None,
        "stage": "proposal",
        "notes": None,
        "created_by": None,
        "created_at": datetime(2026, 5, 1, 12, 0, n, tzinfo=UTC),
        "updated_at": None,
    }
    return row | values


def test_registrations_quick_path_writes_what_the_records_write(
    runtime: Runtime, clock: Clock
) -> None:
    _seed(runtime, clock)
    text = quick_csv(runtime)
    assert "'@SUM(A1)" in text and "'-U1" in text
    assert ".001234+00:00" in text and "2026-03-01T07:30:00+00:00" in text


def test_opportunities_quick_path_writes_what_the_records_write(
    runtime: Runtime, clock: Clock
) -> None:
    registration = _seed(runtime, clock)
    rows = [
        _opportunity(registration, 1),
        _opportunity(
            registration,
            2,
            amount_cents=-505,
            currency="EUR",
            close_date=date(2027, 2, 1),
            stage="won",
            notes='=cmd|"x"\nsecond line',
            created_by="UACME1",
            updated_at=datetime(2026, 5, 2, 8, 0, 0, 999, tzinfo=UTC),
        ),
        _opportunity(registration, 3, amount_cents=7, currency="JPY", stage="lost"),
        _opportunity(registration, 4, amount_cents=123456789012, name="+1 Corp"),
        _opportunity(registration, 5, amount_cents=0, notes='Café, "quoted"', stage="lost"),
    ]
    with runtime.engine.begin() as connection:
        connection.execute(insert(OpportunityRow), rows)
    with runtime.engine.connect() as connection:
        quick = io.StringIO()
        write_csv_rows(opportunity_csv_rows(connection), quick, COLUMNS)
        by_records = io.StringIO()
        write_csv(opportunity_records(connection), by_records, columns=COLUMNS)
        only = io.StringIO()
        write_csv_rows(opportunity_csv_rows(connection, "nobody"), only, COLUMNS)
    assert quick.getvalue() == by_records.getvalue()
    lines = quick.getvalue().splitlines()
    assert len(lines) == 7  # the header, five rows, the second line of a note
    assert ",'-5.05,EUR,2027-02-01,won,false," in quick.getvalue()
    assert ",0.07,JPY,," in quick.getvalue() and ",1234567890.12,," in quick.getvalue()
    assert only.getvalue() == ",".join(COLUMNS) + "\n"


def test_a_stored_time_reads_as_the_records_write_it() -> None:
    aware = datetime(2026, 1, 31, 9, 30, 5, 120, tzinfo=timezone(timedelta(hours=-5)))
    assert utc_text(aware) == "2026-01-31T14:30:05.000120+00:00"
    assert utc_text("2026-01-31 09:30:00.000000") == "2026-01-31T09:30:00+00:00"
    assert utc_text("2026-01-31 09:30:00.000007") == "2026-01-31T09:30:00.000007+00:00"
    assert utc_text("2026-01-31 09:30:00") == "2026-01-31T09:30:00+00:00"
    assert utc_text(None) == ""
