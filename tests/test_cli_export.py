"""prereg export: JSON and CSV round trips, one partner, a fresh database, and a real process."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from bot.bootstrap import build
from bot.cli import main
from bot.domain.model import Customer, CustomerFacts, Registration, Status
from bot.services.context import Context
from bot.services.directory import ImportDirectory, import_directory
from bot.services.partners import AddPartner, add_partner
from bot.services.registrations import Preregister, preregister
from bot.services.reviews import Approve, approve
from bot.settings import Settings
from tests.cli_steps import BIN, clean_env, one_line, run
from tests.conftest import Clock

EXPORT_HEADER = (
    "id,partner_id,customer_name,email,mobile,country,status,reasons,"
    "created_at,valid_until,decided_by,decided_at"
)
# --- registrations export ---------------------------------------------------------------

FORMULA_NAME = '=HYPERLINK("http://evil.example","click"), Inc.\nsecond line'


def seed(context: Context) -> list[Registration]:
    """One of each shape: at once, approved after review, pending with two reasons."""
    add_partner(
        AddPartner("acme", "Acme", "DE", email="sales@acme.example", slack_user_ids=("U0ACME1",)),
        context,
    )
    add_partner(
        AddPartner(
            "globex", "Globex", "US", email="ops@globex.example", slack_user_ids=("U0GLOBEX1",)
        ),
        context,
    )
    import_directory(
        ImportDirectory([CustomerFacts(email="shop@example.com", online_sales=True)]), context
    )

    def submit(partner: str, customer: Customer, why: str | None = None) -> Registration:
        cmd = Preregister(f"U0{partner.upper()}1", customer, why)
        done = preregister(cmd, context)
        assert done.registration is not None
        return done.registration

    submit("acme", Customer(FORMULA_NAME, "DE", email="ceo@hyper.example", mobile="+4930901820"))
    cafe = submit("acme", Customer("Café Über", "FR", email="cafe@example.fr"), "met at a fair")
    approve(Approve("U0REVIEW", cafe.id or 0), replace(context, reviewers=frozenset({"U0REVIEW"})))
    submit("globex", Customer("-Minus Shop", "DE", email="shop@example.com"), "a good lead")
    with context.uow() as uow:
        return list(uow.registrations.all())


def moment(text: str) -> datetime | None:
    if not text:
        return None
    assert text.endswith("+00:00"), text
    return datetime.fromisoformat(text)


def test_seed_has_the_shapes_the_export_tests_need(context: Context) -> None:
    stored = seed(context)

    assert [r.status for r in stored] == [Status.PREREGISTERED] * 2 + [Status.PENDING_REVIEW]
    assert stored[1].decided_by == "U0REVIEW"
    assert [r.code.value for r in stored[2].reasons] == ["country_mismatch", "online_sales"]


@pytest.mark.usefixtures("cli_env")
def test_json_export_round_trips(context: Context, capsys: pytest.CaptureFixture[str]) -> None:
    stored = seed(context)

    assert main(["registrations", "export", "--format", "json"]) == 0

    exported = json.loads(capsys.readouterr().out)
    assert [list(obj) for obj in exported] == [EXPORT_HEADER.split(",")] * len(stored)
    for obj, registration in zip(exported, stored, strict=True):
        customer = registration.customer
        assert obj["id"] == registration.id
        assert obj["partner_id"] == registration.partner_id
        assert (obj["customer_name"], obj["email"]) == (customer.name, customer.email)
        assert (obj["mobile"], obj["country"]) == (customer.mobile, customer.country)
        assert obj["status"] == registration.status.value
        assert obj["reasons"] == [r.code.value for r in registration.reasons]
        assert moment(obj["created_at"]) == registration.created_at
        assert moment(obj["valid_until"] or "") == registration.valid_until
        assert obj["decided_by"] == registration.decided_by
        assert moment(obj["decided_at"] or "") == registration.decided_at
    assert exported[0]["created_at"] == "2026-11-25T10:00:00+00:00"
    assert exported[0]["valid_until"] == "2026-12-10T10:00:00+00:00"
    assert exported[0]["customer_name"] == FORMULA_NAME  # no spreadsheet guard in JSON
    assert exported[2]["valid_until"] is None and exported[2]["decided_by"] is None


@pytest.mark.usefixtures("cli_env")
def test_csv_export_round_trips(context: Context, capsys: pytest.CaptureFixture[str]) -> None:
    stored = seed(context)

    assert main(["registrations", "export"]) == 0

    out = capsys.readouterr().out
    assert out.splitlines()[0] == EXPORT_HEADER
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert [int(row["id"]) for row in rows] == [r.id for r in stored]
    for row, registration in zip(rows, stored, strict=True):
        assert row["partner_id"] == registration.partner_id
        assert row["status"] == registration.status.value
        assert row["reasons"] == ";".join(r.code.value for r in registration.reasons)
        assert moment(row["created_at"]) == registration.created_at
        assert moment(row["valid_until"]) == registration.valid_until
        assert row["decided_by"] == (registration.decided_by or "")
        assert moment(row["decided_at"]) == registration.decided_at
    hyper, cafe, shop = rows
    assert hyper["customer_name"] == "'" + FORMULA_NAME  # shown, not run, by a spreadsheet
    assert hyper["mobile"] == "+4930901820"  # a number, left alone
    assert cafe["customer_name"] == "Café Über"
    assert (cafe["email"], cafe["mobile"]) == ("cafe@example.fr", "")
    assert shop["customer_name"] == "'-Minus Shop"
    assert shop["reasons"] == "country_mismatch;online_sales"
    assert shop["valid_until"] == shop["decided_at"] == ""


@pytest.mark.usefixtures("cli_env")
@pytest.mark.parametrize("format", ["csv", "json"])
def test_export_of_one_partner(
    format: str, context: Context, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(context)

    assert main(["registrations", "export", "--partner", "globex", "--format", format]) == 0

    out = capsys.readouterr().out
    records = json.loads(out) if format == "json" else list(csv.DictReader(io.StringIO(out)))
    assert [r["partner_id"] for r in records] == ["globex"]


@pytest.mark.usefixtures("cli_env")
def test_export_of_an_unknown_partner_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["registrations", "export", "--partner", "nobody"]) == 1

    out, err = capsys.readouterr()
    assert out == ""
    assert one_line(err) == 'prereg: no partner with id "nobody"'


@pytest.mark.usefixtures("cli_env")
def test_export_of_a_fresh_database(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["registrations", "export"]) == 0
    assert capsys.readouterr().out == EXPORT_HEADER + "\n"
    assert main(["registrations", "export", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_export_help_mentions_the_spreadsheet_guard(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["registrations", "export", "--help"]) == 0
    assert "prefixed with '" in capsys.readouterr().out


def test_export_in_a_real_process(tmp_path: Path, clock: Clock) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    runtime = build(Settings(_env_file=None, database_url=url), clock=clock)
    stored = seed(runtime.context)
    runtime.close()

    done = run(
        [str(BIN / "prereg"), "registrations", "export", "--format", "json"],
        clean_env(DATABASE_URL=url),
        tmp_path,
    )

    assert done.returncode == 0, done.stderr
    assert [obj["id"] for obj in json.loads(done.stdout)] == [r.id for r in stored]
