"""`prereg registrations export` filters by status and date, and reads without stopping
writers: on SQLite the export's long read takes no write lock."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import timedelta

import pytest

from bot.adapters.export import registration_records, write_json
from bot.bootstrap import Runtime
from bot.cli import main
from bot.domain.model import Status
from bot.services.context import Context
from bot.services.partners import AddPartner, add_partner
from tests import seeding
from tests.conftest import Clock


def seed(context: Context, clock: Clock) -> None:
    acme = AddPartner("acme", "Acme", "DE", email="s@acme.example", slack_user_ids=("UACME1",))
    add_partner(acme, context)
    seeding.hold(context, "old@kunde.example")
    clock.advance(timedelta(days=2))
    seeding.ask_review(context, "fr@kunde.example")
    gone = seeding.hold(context, "gone@kunde.example")
    assert gone.id is not None
    with context.uow() as uow:
        registration = uow.registrations.get(gone.id)
        assert registration is not None
        registration.delete(clock())
        uow.registrations.save(registration)
        uow.commit()


@pytest.mark.usefixtures("cli_env")
def test_status_and_since_narrow_the_export(
    context: Context, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(context, clock)
    since = (clock() - timedelta(days=1)).date().isoformat()

    assert main(["registrations", "export", "--status", "preregistered"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["email"] for r in rows] == ["old@kunde.example"]

    args = ["--status", "pending_review", "--status", "deleted", "--since", since]
    assert main(["registrations", "export", "--format", "json", *args]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert [(r["email"], r["status"]) for r in exported] == [
        ("fr@kunde.example", "pending_review"),
        ("gone@kunde.example", "deleted"),
    ]

    assert main(["registrations", "export", "--since", since]) == 0
    assert "old@kunde.example" not in capsys.readouterr().out


@pytest.mark.usefixtures("cli_env")
def test_a_bad_status_or_date_is_refused_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["registrations", "export", "--status", "lost"]) == 2
    assert "invalid choice: 'lost'" in capsys.readouterr().err
    assert main(["registrations", "export", "--since", "yesterday"]) == 2
    assert "expected an ISO 8601 date" in capsys.readouterr().err


def test_json_is_written_as_one_array_a_row_at_a_time() -> None:
    rows = [{"id": 1, "reasons": ["a"]}, {"id": 2, "reasons": []}]
    for records in ([], rows):
        out = io.StringIO()
        write_json(iter(records), out)  # type: ignore[arg-type]
        assert out.getvalue() == json.dumps(records, indent=2) + "\n"


def test_a_writer_goes_on_while_an_export_is_reading(runtime: Runtime, clock: Clock) -> None:
    if runtime.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL readers never block writers; the lock is SQLite's")
    seed(runtime.context, clock)
    with runtime.engine.connect() as connection:
        reading = registration_records(connection)
        first = next(reading)
        # Another process's writer, with no patience: it fails if the export holds the lock.
        path = runtime.engine.url.database
        assert path is not None
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE registrations SET notes = 'x' WHERE id = ?", (first["id"],))
        other.execute("COMMIT")
        other.close()
        assert [r["status"] for r in reading] == [Status.PENDING_REVIEW.value, "deleted"]
