"""Directory import: the CSV parser, the upsert use case, and `prereg directory import`."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.adapters.directory_csv import DirectoryFileError, parse_directory
from bot.bootstrap import Runtime
from bot.cli import main
from bot.domain.model import CustomerFacts, Site
from bot.services.directory import ImportCounts, ImportDirectory, import_directory
from bot.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"
MIXED = FIXTURES / "directory_mixed.csv"
GOOD = FIXTURES / "directory_good.csv"
HEADER = (
    "email,mobile,name,site,registered_at,country,associated_partner_id,"
    "has_contract,has_spend,direct_sales_followup,online_sales"
)
BAD_LINES = {
    4: 'bad email "foo@": there must be something after the @-sign',
    5: 'bad registered_at "2026-02-30": expected an ISO 8601 date',
    6: 'bad site "eu": expected intl, cn or empty',
    7: 'bad has_contract "yes": expected true, false or empty',
    8: "needs an email or a mobile",
    9: 'bad country "XX": expected an ISO 3166-1 alpha-2',
    11: 'bad email "gus@@x"',
    12: "same account (email) as line 2",
    15: "expected 11 fields, found 10",
}


def facts_by_name() -> dict[str | None, CustomerFacts]:
    return {f.name: f for f in parse_directory(MIXED.read_bytes()).facts}


# --- the parser -------------------------------------------------------------------------


def test_bad_rows_are_reported_at_their_line_and_the_good_ones_kept() -> None:
    parsed = parse_directory(MIXED.read_bytes())

    assert [e.line for e in parsed.errors] == sorted(BAD_LINES)
    for error in parsed.errors:
        assert str(error).startswith(f"line {error.line}: {BAD_LINES[error.line]}")
    assert [f.name for f in parsed.facts] == [
        "Ada GmbH",
        'Bob, "the builder" Ltd',
        "Mobile Only",
        "Hal\nHalsey",
        "Jo",
    ]


def test_every_problem_of_a_row_is_named() -> None:
    (line_11,) = [e for e in parse_directory(MIXED.read_bytes()).errors if e.line == 11]

    for part in (
        'bad email "gus@@x"',
        'bad mobile "0301"',
        'bad site "mars"',
        'bad registered_at "yesterday"',
        'bad has_contract "maybe"',
    ):
        assert part in line_11.message


def test_values_are_normalized() -> None:
    facts = facts_by_name()

    assert facts["Ada GmbH"] == CustomerFacts(
        email="ada@example.com",
        mobile="+4930901820",
        name="Ada GmbH",
        site=Site.INTL,
        registered_at=datetime(2026, 1, 15, tzinfo=UTC),  # a date is its midnight UTC
        country="DE",
        has_contract=False,
        has_spend=True,
        direct_sales_followup=False,
        online_sales=False,
    )
    mobile_only = facts["Mobile Only"]
    assert mobile_only.email is None
    assert mobile_only.mobile == "+4930901820"  # national number read with the row's country
    assert mobile_only.country == "DE"
    assert mobile_only.site is Site.CN
    assert mobile_only.associated_partner_id == "P-42"
    assert (mobile_only.has_contract, mobile_only.has_spend) == (True, False)
    assert mobile_only.online_sales is None  # empty is unknown, not false
    assert mobile_only.registered_at == datetime(2025, 6, 1, 6, 30, tzinfo=UTC)


def test_date_times_without_offset_are_utc() -> None:
    facts = facts_by_name()

    assert facts["Hal\nHalsey"].registered_at == datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    jo = facts["Jo"].registered_at
    assert jo is not None and jo.utcoffset() == timedelta(0)
    assert jo == datetime(2026, 4, 1, 12, tzinfo=UTC)  # written with "Z"


def test_byte_order_mark_and_crlf_are_read_alike() -> None:
    plain = parse_directory(MIXED.read_bytes())
    text = MIXED.read_text(encoding="utf-8")
    windows = parse_directory(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())

    assert [f.email for f in windows.facts] == [f.email for f in plain.facts]
    assert [e.line for e in windows.errors] == [e.line for e in plain.errors]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the file is empty"),
        (b"email,mobile\nx@example.com,\n", "missing name, site"),
        (HEADER.replace("site", "website").encode() + b"\n", 'unexpected "website"'),
        (HEADER.replace("email,mobile", "mobile,email").encode() + b"\n", "out of order"),
    ],
)
def test_a_file_that_is_not_a_directory_csv_is_refused_whole(content: bytes, expected: str) -> None:
    with pytest.raises(DirectoryFileError) as refused:
        parse_directory(content)

    assert expected in str(refused.value)


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
