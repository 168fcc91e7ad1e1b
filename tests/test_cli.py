"""`prereg …`: start-up errors, serve/socket wiring, db upgrade, export, sweep.

Directory import and partners have their own files; this one holds the rest.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory

from bot import server
from bot.adapters.database import MIGRATIONS
from bot.bootstrap import Runtime, build
from bot.cli import main
from bot.domain.model import Customer, CustomerFacts, Registration, Status
from bot.services.context import Context
from bot.services.directory import ImportDirectory, import_directory
from bot.services.partners import AddPartner, add_partner
from bot.services.registrations import Preregister, preregister
from bot.services.reviews import Approve, approve
from bot.settings import Settings
from tests.conftest import Clock

BIN = Path(sys.executable).parent
SLACK_HTTP = {
    "SLACK_BOT_TOKEN": "xoxb-test",
    "SLACK_SIGNING_SECRET": "secret",
    "REVIEW_CHANNEL_ID": "C0REVIEW",
    "REVIEWER_USER_IDS": "U0REVIEW",
    "INVITE_SECRET": "invite-secret",
}
EXPORT_HEADER = (
    "id,partner_id,customer_name,email,mobile,country,status,reasons,"
    "created_at,valid_until,decided_by,decided_at"
)


def clean_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k.lower() not in Settings.model_fields}
    return {**env, **values}


def run(argv: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def one_line(err: str) -> str:
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err.rstrip("\n")


# --- start-up errors --------------------------------------------------------------------


@pytest.mark.usefixtures("cli_env")
@pytest.mark.parametrize("command", [["partners", "list"], ["sweep"], ["serve"], ["db", "upgrade"]])
def test_a_malformed_setting_is_one_line_and_exit_2(
    command: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PREREG_VALIDITY", "abc")

    assert main(command) == 2

    line = one_line(capsys.readouterr().err)
    assert line.startswith("prereg: setting PREREG_VALIDITY is malformed: ")
    assert "15d" in line  # what is expected


def test_a_malformed_setting_leaves_no_traceback_in_a_real_process(tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}", PREREG_QUOTA="lots")

    done = run([str(BIN / "prereg"), "partners", "list"], env, tmp_path)

    assert done.returncode == 2
    assert one_line(done.stderr).startswith("prereg: setting PREREG_QUOTA is malformed")
    assert done.stdout == ""


@pytest.mark.usefixtures("cli_env")
@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("nonsense", "prereg: setting DATABASE_URL is malformed"),
        ("sqlite:////nonexistent-dir/x.db", "prereg: cannot use the database at sqlite:////"),
        ("postgresql+psycopg://u:hunter2@127.0.0.1:1/x", "prereg: cannot use the database at"),
    ],
)
def test_a_database_that_cannot_be_used_is_one_line_and_exit_2(
    url: str, expected: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", url)

    assert main(["partners", "list"]) == 2

    line = one_line(capsys.readouterr().err)
    assert line.startswith(expected)
    assert "hunter2" not in line  # the password is masked


@pytest.mark.usefixtures("cli_env")
def test_serve_without_slack_settings_names_them_and_touches_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "untouched.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")

    assert main(["serve"]) == 2

    line = one_line(capsys.readouterr().err)
    assert line.startswith("prereg: cannot serve without ")
    assert line.endswith(' — see README.md, "Settings"')
    named = line.removeprefix("prereg: cannot serve without ").split(" — ")[0].split(", ")
    expected = {"SLACK_SIGNING_SECRET", "REVIEW_CHANNEL_ID", "REVIEWER_USER_IDS", "INVITE_SECRET"}
    assert set(named) == expected
    assert not database.exists()


@pytest.mark.usefixtures("cli_env")
def test_socket_mode_needs_the_app_token_not_the_signing_secret(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["socket"]) == 2

    line = one_line(capsys.readouterr().err)
    assert line.startswith("prereg: cannot start Socket Mode without SLACK_BOT_TOKEN")
    assert "SLACK_APP_TOKEN" in line
    assert "SLACK_SIGNING_SECRET" not in line


def test_serve_without_slack_settings_in_a_real_process(tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}")

    done = run([sys.executable, "-m", "bot", "serve"], env, tmp_path)

    assert done.returncode == 2
    assert one_line(done.stderr).startswith("prereg: cannot serve without SLACK_BOT_TOKEN, ")


# --- serve and socket hand a built runtime to bot.server --------------------------------


@dataclass
class Served:
    calls: list[dict[str, Any]]


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    record = Served([])

    def fake_serve(runtime: Runtime, host: str, port: int, scheduler: bool) -> None:
        record.calls.append(
            {"mode": "http", "host": host, "port": port, "scheduler": scheduler}
            | {"reachable": runtime.database_reachable()}
        )

    def fake_socket(runtime: Runtime, scheduler: bool) -> None:
        record.calls.append(
            {"mode": "socket", "scheduler": scheduler, "reachable": runtime.database_reachable()}
        )

    monkeypatch.setattr(server, "serve", fake_serve)
    monkeypatch.setattr(server, "socket", fake_socket)
    yield record


@pytest.mark.usefixtures("cli_env")
@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["serve"], {"host": "0.0.0.0", "port": 4321, "scheduler": True}),
        (
            ["serve", "--host", "127.0.0.1", "--port", "8080", "--no-scheduler"],
            {"host": "127.0.0.1", "port": 8080, "scheduler": False},
        ),
    ],
)
def test_serve_passes_its_options_and_a_ready_database(
    argv: list[str],
    expected: dict[str, Any],
    served: Served,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in SLACK_HTTP.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("PORT", "4321")

    assert main(argv) == 0

    assert served.calls == [{"mode": "http", "reachable": True, **expected}]


@pytest.mark.usefixtures("cli_env")
def test_socket_runs_with_the_scheduler(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SLACK_HTTP.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SLACK_SIGNING_SECRET")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-test")

    assert main(["socket"]) == 0

    assert served.calls == [{"mode": "socket", "scheduler": True, "reachable": True}]


@pytest.mark.usefixtures("cli_env")
def test_a_bad_port_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", "99999"]) == 2
    assert "expected a port number from 1 to 65535" in capsys.readouterr().err


# --- usage ------------------------------------------------------------------------------


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: prereg" in capsys.readouterr().err


def test_python_m_bot_is_the_same_program(tmp_path: Path) -> None:
    env = clean_env()

    script = run([str(BIN / "prereg"), "--help"], env, tmp_path)
    module = run([sys.executable, "-m", "bot", "--help"], env, tmp_path)

    assert script.returncode == module.returncode == 0
    assert script.stdout == module.stdout
    for command in ("serve", "socket", "db", "partners", "directory", "registrations", "sweep"):
        assert command in script.stdout


# --- db upgrade -------------------------------------------------------------------------


@pytest.mark.usefixtures("cli_env")
def test_db_upgrade_says_what_it_did(capsys: pytest.CaptureFixture[str]) -> None:
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()

    assert main(["db", "upgrade"]) == 0
    assert capsys.readouterr().out.startswith(f"created the schema at revision {head} in ")

    assert main(["db", "upgrade"]) == 0
    assert capsys.readouterr().out.startswith(f"already at the newest revision, {head}, in ")


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


# --- sweep ------------------------------------------------------------------------------


@pytest.mark.usefixtures("cli_env")
def test_sweep_expires_what_is_past_due(
    context: Context, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    # One registration made 20 days ago, one yesterday; sweep runs on the test's clock.
    add_partner(
        AddPartner("acme", "Acme", "DE", email="sales@acme.example", slack_user_ids=("U0ACME1",)),
        context,
    )
    start = clock.now
    made = []
    for days_ago, email in ((20, "old@example.com"), (1, "new@example.com")):
        clock.now = start - timedelta(days=days_ago)
        cmd = Preregister("U0ACME1", Customer("Customer", "DE", email=email))
        done = preregister(cmd, context)
        assert done.registration is not None and done.registration.id is not None
        made.append(done.registration.id)
    clock.now = start

    assert main(["sweep"], clock=clock) == 0
    assert "expire_due: 1" in capsys.readouterr().out.splitlines()

    with context.uow() as uow:
        statuses = [uow.registrations.get(i).status for i in made]  # type: ignore[union-attr]
    assert statuses == [Status.EXPIRED, Status.PREREGISTERED]

    assert main(["sweep"], clock=clock) == 0
    assert "expire_due: 0" in capsys.readouterr().out.splitlines()
