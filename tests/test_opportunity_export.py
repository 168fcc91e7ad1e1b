"""`prereg opportunities export`: the README's columns, CSV and JSON, one company's, streamed."""

from __future__ import annotations

import csv
import io
import json
import re
import tracemalloc
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import insert

from bot.adapters.opportunity_export import COLUMNS, opportunity_records
from bot.adapters.orm import OpportunityRow
from bot.bootstrap import Runtime
from bot.cli import main
from bot.domain.opportunities import Stage
from bot.services.context import Context
from bot.services.opportunities import (
    CreateOpportunity,
    MoveOpportunity,
    create_opportunity,
    move_opportunity,
)
from bot.services.partners import AddPartner, add_partner
from tests import seeding
from tests.conftest import Clock

README = Path(__file__).resolve().parents[1] / "README.md"
CLOSE = date(2027, 2, 1)  # after the test clock's start


def seed(context: Context) -> list[int]:
    """Acme's two opportunities (one moved to Won), Beta's one; their ids."""
    add_partner(
        AddPartner("acme", "Acme", "DE", email="s@acme.example", slack_user_ids=("UACME1",)),
        context,
    )
    add_partner(
        AddPartner("beta", "Beta", "DE", email="s@beta.example", slack_user_ids=("UBETA1",)),
        context,
    )
    ours = seeding.hold(context, "it@kunde.example")
    theirs = seeding.hold(context, "it@other.example", user="UBETA1")
    assert ours.id is not None and theirs.id is not None
    made = [
        create_opportunity(
            CreateOpportunity(
                "UACME1",
                ours.id,
                "=HYPERLINK(1)",
                Decimal("1234.5"),
                "EUR",
                CLOSE,
                Stage.PROPOSAL,
                'Café, "quoted"\nline',
            ),
            context,
        ),
        create_opportunity(
            CreateOpportunity(
                "UACME1", ours.id, "Support", Decimal("99"), "JPY", CLOSE, Stage.QUALIFICATION
            ),
            context,
        ),
        create_opportunity(
            CreateOpportunity(
                "UBETA1", theirs.id, "Theirs", Decimal("5"), "USD", CLOSE, Stage.NEGOTIATION
            ),
            context,
        ),
    ]
    assert made[1].id is not None
    move_opportunity(MoveOpportunity("UACME1", made[1].id, Stage.WON), context)
    return [o.id for o in made if o.id is not None]


def test_the_readme_documents_exactly_the_exported_columns() -> None:
    documented = re.search(r"```\n(id,registration_id,[^\n]+)\n```", README.read_text())
    assert documented is not None
    assert tuple(documented.group(1).split(",")) == COLUMNS
    for column in COLUMNS:
        assert f"`{column}`" in README.read_text()


@pytest.mark.usefixtures("cli_env")
def test_csv_and_json_carry_every_column(
    context: Context, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = seed(context)

    assert main(["opportunities", "export"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == ",".join(COLUMNS)
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert [int(r["id"]) for r in rows] == ids
    first, second, third = rows
    assert first["name"] == "'=HYPERLINK(1)"  # shown, not run, by a spreadsheet
    assert (first["amount"], first["currency"], first["close_date"]) == (
        "1234.50",
        "EUR",
        "2027-02-01",
    )
    assert (first["stage"], first["open"], first["partner_id"]) == ("proposal", "true", "acme")
    assert first["notes"] == 'Café, "quoted"\nline' and first["customer_name"]
    assert first["updated_at"] == "" and first["created_by"] == "UACME1"
    assert datetime.fromisoformat(first["created_at"]).tzinfo is not None
    assert (second["stage"], second["open"], second["amount"]) == ("won", "false", "99.00")
    assert datetime.fromisoformat(second["updated_at"]).tzinfo is not None
    assert third["partner_id"] == "beta"

    assert main(["opportunities", "export", "--format", "json", "--partner", "acme"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert [list(obj) for obj in exported] == [list(COLUMNS)] * 2
    assert [obj["id"] for obj in exported] == ids[:2]
    assert exported[0]["name"] == "=HYPERLINK(1)"  # no spreadsheet guard in JSON
    assert exported[0]["amount"] == "1234.50" and exported[1]["notes"] is None

    assert main(["opportunities", "export", "--partner", "nobody"]) != 0
    assert 'no partner with id "nobody"' in capsys.readouterr().err


def _sink_peak(runtime: Runtime) -> tuple[int, int]:
    """(bytes written, peak bytes allocated) exporting to a sink that keeps nothing."""
    written = 0
    tracemalloc.start()
    try:
        with runtime.engine.connect() as connection:
            for record in opportunity_records(connection):
                written += len(json.dumps(record))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return written, peak


def test_the_export_streams_memory_does_not_grow_with_the_rows(
    runtime: Runtime, clock: Clock
) -> None:
    context = runtime.context
    add_partner(
        AddPartner("acme", "Acme", "DE", email="s@acme.example", slack_user_ids=("UACME1",)),
        context,
    )
    held = seeding.hold(context, "it@kunde.example")
    assert held.id is not None
    now = clock()
    row = {
        "registration_id": held.id,
        "name": "A deal with a longish name " * 4,
        "amount_cents": 123456,
        "currency": "EUR",
        "close_date": CLOSE,
        "stage": "proposal",
        "notes": "n" * 300,
        "created_by": "UACME1",
        "created_at": now,
    }
    peaks: list[tuple[int, int]] = []
    for total in (3_000, 16_000):
        with runtime.engine.begin() as connection:
            have = len(peaks) and 3_000
            connection.execute(insert(OpportunityRow), [row] * (total - have))
        peaks.append(_sink_peak(runtime))
    (small_out, small_peak), (large_out, large_peak) = peaks
    assert large_out > 5 * small_out  # over five times the rows written…
    assert large_peak < 2 * small_peak  # …in about the same memory: batches, not the table
    assert large_peak < large_out / 4
