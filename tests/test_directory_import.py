"""Importing the directory: what is stored, twice, updates, and the command's exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.adapters.directory_csv import parse_directory
from bot.bootstrap import Runtime
from bot.cli import main
from bot.domain.model import CustomerFacts
from bot.services.directory import ImportCounts, ImportDirectory, import_directory
from bot.settings import Settings
from tests.directory_samples import BAD_LINES, FIXTURES, HEADER, MIXED

GOOD = FIXTURES / "directory_good.csv"


# --- the use case, on each database -----------------------------------------------------


def stored(runtime: Runtime, facts: CustomerFacts) -> list[CustomerFacts]:
    with runtime.context.uow() as uow:
        return list(uow.directory.matching(facts.email, None if facts.email else facts.mobile))


def test_import_stores_the_facts_as_parsed(runtime: Runtime) -> None:
    facts = parse_directory(MIXED.read_bytes()).facts

    counts = import_directory(ImportDirectory(facts), runtime.context)

    assert counts == ImportCounts(inserted=5, updated=0, unchanged=0)
    for parsed in facts:
        matches = [f for f in stored(runtime, parsed) if f.email == parsed.email]
        assert matches == [parsed]


def test_importing_the_same_rows_twice_changes_nothing(runtime: Runtime) -> None:
    facts = parse_directory(MIXED.read_bytes()).facts
    import_directory(ImportDirectory(facts), runtime.context)

    again = import_directory(ImportDirectory(facts, batch=2), runtime.context)

    assert again == ImportCounts(inserted=0, updated=0, unchanged=5)


def test_a_changed_row_is_an_update(runtime: Runtime) -> None:
    facts = parse_directory(MIXED.read_bytes()).facts
    import_directory(ImportDirectory(facts), runtime.context)
    ada = facts[0]
    changed = CustomerFacts(**{**vars(ada), "has_contract": True})

    counts = import_directory(ImportDirectory([changed]), runtime.context)

    assert counts == ImportCounts(inserted=0, updated=1, unchanged=0)
    assert stored(runtime, ada) == [changed]


# --- the command ------------------------------------------------------------------------


@pytest.mark.usefixtures("cli_env")
def test_command_reports_bad_rows_loads_good_ones_and_exits_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["directory", "import", str(MIXED)])

    out, err = capsys.readouterr()
    assert code == 1
    assert [line.split(":")[0] for line in err.splitlines()] == [
        f"line {n}" for n in sorted(BAD_LINES)
    ]
    assert 'line 4: bad email "foo@": there must be something after the @-sign' in err
    assert out == "5 rows loaded (5 inserted, 0 updated, 0 unchanged), 9 bad rows skipped\n"

    assert main(["directory", "import", str(MIXED)]) == 1
    out, _ = capsys.readouterr()
    assert out.startswith("5 rows loaded (0 inserted, 0 updated, 5 unchanged)")


@pytest.mark.usefixtures("cli_env")
def test_command_exits_0_when_every_row_loads(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["directory", "import", str(GOOD)]) == 0

    out, err = capsys.readouterr()
    assert err == ""
    assert out == "2 rows loaded (2 inserted, 0 updated, 0 unchanged), 0 bad rows skipped\n"


@pytest.mark.usefixtures("cli_env")
def test_command_refuses_a_wrong_header_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("mail,phone\nx@example.com,\n", encoding="utf-8")

    assert main(["directory", "import", str(wrong)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"prereg: {wrong}: line 1: the header must be {HEADER}")
    assert "nothing was loaded" in err


@pytest.mark.usefixtures("cli_env")
def test_command_refuses_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["directory", "import", str(tmp_path / "nope.csv")]) == 1
    assert "cannot read" in capsys.readouterr().err


def test_help_documents_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["directory", "import", "--help"]) == 0
    out = capsys.readouterr().out
    assert "1  some rows were bad (the good ones loaded)" in out
    assert HEADER.split(",")[0] in out


def test_installed_command_imports_for_real(tmp_path: Path) -> None:
    prereg = Path(sys.executable).parent / "prereg"
    env = {k: v for k, v in os.environ.items() if k.lower() not in Settings.model_fields}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'cli.db'}"

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(prereg), "directory", "import", str(MIXED)],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )

    first, second = run(), run()

    assert first.returncode == 1
    assert "line 9: bad country" in first.stderr
    assert "Traceback" not in first.stderr
    assert "(5 inserted, 0 updated, 0 unchanged)" in first.stdout
    assert second.returncode == 1
    assert "(0 inserted, 0 updated, 5 unchanged)" in second.stdout
