"""The exports' CSV quick paths (values as the driver hands them over, formatted without
SQLAlchemy's types) write byte for byte what the records' paths write, on both databases:
odd amounts, NULLs, times with and without microseconds, formula-like texts."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import DateTime, Text, insert, literal, select, update
from sqlalchemy.types import TypeEngine

from bot.adapters.export import write_csv
from bot.adapters.export_sql import moment
from bot.adapters.opportunity_export import COLUMNS, opportunity_records, write_opportunities_csv
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
        write_opportunities_csv(connection, quick)
        by_records = io.StringIO()
        write_csv(opportunity_records(connection), by_records, columns=COLUMNS)
        only = io.StringIO()
        write_opportunities_csv(connection, only, "nobody")
    assert quick.getvalue() == by_records.getvalue()
    lines = quick.getvalue().splitlines()
    assert len(lines) == 7  # the header, five rows, the second line of a note
    assert ",'-5.05,EUR,2027-02-01,won,false," in quick.getvalue()
    assert ",0.07,JPY,," in quick.getvalue() and ",1234567890.12,," in quick.getvalue()
    assert only.getvalue() == ",".join(COLUMNS) + "\n"


def test_a_stored_time_reads_as_the_records_write_it(runtime: Runtime) -> None:
    """SQLite keeps the text SQLAlchemy wrote; PostgreSQL a time in any offset."""
    dialect = runtime.engine.dialect.name
    if dialect == "sqlite":
        stored: list[object] = [
            "2026-01-31 09:30:00.000000",
            "2026-01-31 09:30:00.000007",
            "2026-01-31 09:30:00",
            None,
        ]
    else:
        minus_five = timezone(timedelta(hours=-5))
        stored = [
            datetime(2026, 1, 31, 4, 30, tzinfo=minus_five),
            datetime(2026, 1, 31, 9, 30, 0, 7, tzinfo=UTC),
            datetime(2026, 1, 31, 14, 30, 5, 120, tzinfo=minus_five),
            None,
        ]
    with runtime.engine.connect() as connection:
        shown = [
            connection.execute(
                select(moment(literal(value, _stored_type(dialect)), dialect))
            ).scalar()
            for value in stored
        ]
    assert shown[:2] == ["2026-01-31T09:30:00+00:00", "2026-01-31T09:30:00.000007+00:00"]
    if dialect == "sqlite":
        assert shown[2] == "2026-01-31T09:30:00+00:00"
    else:
        assert shown[2] == "2026-01-31T19:30:05.000120+00:00"
    assert shown[3] is None


def _stored_type(dialect: str) -> TypeEngine[Any]:
    return Text() if dialect == "sqlite" else DateTime(timezone=True)


def test_texts_copy_would_quote_otherwise_are_written_as_the_records_write_them(
    runtime: Runtime, clock: Clock
) -> None:
    """A carriage return inside a text (COPY would quote it), a lone \\. (COPY quotes it
    only as a row's one cell), an empty text beside a missing one, digits of another
    script after a sign: the same bytes as the records' path."""
    held = _seed(runtime, clock)
    texts = {"customer_name": "Kunde\rGmbH", "decided_by": "\\.", "mobile": "-\u0663\u0664"}
    for values in ({"decided_by": ""}, {"decided_by": "\\."}, texts):
        with runtime.engine.begin() as connection:
            connection.execute(
                update(RegistrationRow).where(RegistrationRow.id == held).values(**values)
            )
        text = quick_csv(runtime)  # the same as the records' path, each time
    assert "Kunde\rGmbH" in text and ",'-\u0663\u0664," in text
