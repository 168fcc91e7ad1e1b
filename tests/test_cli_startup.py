"""A command loads what it uses: `--help` only argparse, the reading commands neither
Slack, the web, Alembic nor the parsers of emails and numbers, the exports no unit of
work, model or events, on a database already at the newest schema (a schema to change
loads Alembic). Each runs in a fresh process, which then names what it loaded."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.cli_steps import clean_env, run
from tests.schema_template import migrated

PROBE = """\
import json, sys
from bot.cli import main
code = main(sys.argv[1:])
sys.stdout.flush()
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""

# Never loaded by a command that neither serves nor sends nor parses contacts.
NOT_FOR_READING = {
    "alembic",
    "apscheduler",
    "email_validator",
    "flask",
    "holidays",
    "jinja2",
    "phonenumbers",
    "pycountry",
    "rapidfuzz",
    "slack_bolt",
    "slack_sdk",
    "waitress",
}
# An export reads through Core: no unit of work, repositories, ports, model or events.
NOT_FOR_EXPORTS = NOT_FOR_READING | {
    "bot.adapters.repositories",
    "bot.adapters.unit_of_work",
    "bot.domain.events",
    "bot.domain.model",
    "bot.services.lanes",
    "bot.services.ports",
    "bot.services.registrations",
}
# The help is argparse's: no settings, no database.
NOT_FOR_HELP = NOT_FOR_EXPORTS | {
    "bot.bootstrap",
    "bot.settings",
    "pydantic",
    "pydantic_settings",
    "sqlalchemy",
}


def probe(argv: list[str], database_url: str, cwd: Path) -> tuple[int, str, set[str]]:
    """The command's exit code, its stdout and the modules it loaded."""
    done = run([sys.executable, "-c", PROBE, *argv], clean_env(DATABASE_URL=database_url), cwd)
    *_, last = done.stderr.splitlines()
    found = json.loads(last)
    return found["code"], done.stdout, set(found["modules"])


def loaded(modules: set[str], names: set[str]) -> set[str]:
    """Which of `names` are among `modules`, a package counting with its submodules."""
    return {n for n in names if any(m == n or m.startswith(n + ".") for m in modules)}


def test_the_help_loads_argparse_only(tmp_path: Path) -> None:
    code, out, modules = probe(["--help"], f"sqlite:///{tmp_path / 'x.db'}", tmp_path)

    assert code == 0
    assert "registrations" in out and "opportunities" in out
    assert loaded(modules, NOT_FOR_HELP) == set()
    assert not (tmp_path / "x.db").exists()  # nor did it touch the database


def test_a_group_s_help_names_its_choices_without_the_model(tmp_path: Path) -> None:
    code, out, modules = probe(
        ["registrations", "export", "--help"], f"sqlite:///{tmp_path / 'x.db'}", tmp_path
    )

    assert code == 0
    assert "pending_review" in out and "associated" in out  # the statuses to pick from
    assert loaded(modules, NOT_FOR_HELP) == set()


def test_partners_list_works_without_slack_web_or_contact_parsers(
    database_url: str, tmp_path: Path
) -> None:
    migrated(database_url)
    code, out, modules = probe(["partners", "list"], database_url, tmp_path)

    assert code == 0
    assert out.startswith("no partners yet")
    assert loaded(modules, NOT_FOR_READING) == set()


@pytest.mark.parametrize(
    ("kind", "header"),
    [("registrations", "id,partner_id,customer_name,"), ("opportunities", "id,registration_id,")],
)
def test_an_export_reads_without_the_unit_of_work_or_the_model(
    kind: str, header: str, database_url: str, tmp_path: Path
) -> None:
    migrated(database_url)
    code, out, modules = probe([kind, "export"], database_url, tmp_path)

    assert code == 0
    assert out.startswith(header)
    assert loaded(modules, NOT_FOR_EXPORTS) == set()


def test_a_refused_partner_still_loads_no_model(database_url: str, tmp_path: Path) -> None:
    migrated(database_url)
    code, out, modules = probe(
        ["registrations", "export", "--partner", "nobody"], database_url, tmp_path
    )

    assert code == 1
    assert out == ""
    assert loaded(modules, NOT_FOR_EXPORTS) == set()
