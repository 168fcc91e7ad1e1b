"""`prereg partners import FILE.csv`, through the command line, on each database."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.adapters.partners_bulk import SqlPartnerLoad
from bot.adapters.partners_csv import read_partners
from bot.bootstrap import Runtime
from bot.cli import main
from bot.services.context import Context
from bot.services.directory import BadRow
from bot.services.partner_import import ImportPartners, import_partners
from bot.services.partners import AddPartner, ListPartners, add_partner, list_partners

HEADER = b"id,name,country,email,mobile,slack_users\n"
GOOD = HEADER + (
    b"acme, Acme Cloud GmbH ,de, Sales@ACME.example ,030 901820,U0ACME1 U0ACME2\n"
    b'beta,"Beta, Inc.",US,,+1 415 555 0100,\n'
    b"\n"
    b"gamma,Gamma,FR,ops@gamma.example,,U0GAMMA\n"
)

pytestmark = pytest.mark.usefixtures("cli_env")


def run(tmp_path: Path, data: bytes, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    file = tmp_path / "partners.csv"
    file.write_bytes(data)
    code = main(["partners", "import", str(file)])
    out, err = capsys.readouterr()
    return code, out, err


def stored(context: Context) -> dict[str, tuple[object, ...]]:
    return {
        p.id: (p.name, p.country, p.email, p.mobile, p.slack_user_ids)
        for p in list_partners(ListPartners(), context)
    }


def test_a_good_file_loads_every_company_normalized(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], context: Context
) -> None:
    code, out, err = run(tmp_path, GOOD, capsys)

    assert (code, err) == (0, "")
    assert out == "3 companies loaded (3 inserted, 0 updated, 0 unchanged), 0 bad rows skipped\n"
    assert stored(context) == {
        "acme": (
            "Acme Cloud GmbH",
            "DE",
            "sales@acme.example",
            "+4930901820",
            ("U0ACME1", "U0ACME2"),
        ),
        "beta": ("Beta, Inc.", "US", None, "+14155550100", ()),
        "gamma": ("Gamma", "FR", "ops@gamma.example", None, ("U0GAMMA",)),
    }


def test_bad_rows_are_reported_by_line_and_the_good_ones_load(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], context: Context
) -> None:
    data = HEADER + (
        b"acme,Acme,DE,,,U0ACME1\n"  # 2
        b"-bad,,XX,foo@,,u-lower\n"  # 3
        b"acme,Acme again,DE,,,\n"  # 4
        b"other,Other,DE,,,U0ACME1\n"  # 5
        b"short,Short,DE\n"  # 6
        b"fine,Fine,AT,,,\n"  # 7
    )
    code, out, err = run(tmp_path, data, capsys)

    assert code == 1
    lines = err.splitlines()
    assert [line.split(":")[0] for line in lines] == ["line 3", "line 4", "line 5", "line 6"]
    for part in ('bad id "-bad"', "bad name", 'bad country "XX"', "foo@", 'Slack user "u-lower"'):
        assert part in lines[0]
    assert lines[1] == 'line 4: same id "acme" as line 2'
    assert lines[2] == 'line 5: Slack user U0ACME1 is listed for partner "acme" on line 2'
    assert lines[3] == "line 6: expected 6 fields, found 3"
    assert out.startswith("2 companies loaded (2 inserted, 0 updated, 0 unchanged), 4 bad rows")
    assert sorted(stored(context)) == ["acme", "fine"]


def test_a_second_import_of_the_same_file_changes_nothing_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], context: Context
) -> None:
    run(tmp_path, GOOD, capsys)
    before = stored(context)

    code, out, err = run(tmp_path, GOOD, capsys)

    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "3 companies loaded (0 inserted, 0 updated, 3 unchanged), 0 bad rows skipped",
        "nothing changed: every good row was already stored as given",
    ]
    assert stored(context) == before


def test_a_changed_file_updates_fields_and_adds_links_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], context: Context
) -> None:
    run(tmp_path, GOOD, capsys)
    changed = HEADER + (
        b"acme,Acme Cloud GmbH,DE,sales@acme.example,030 901820,U0ACME3\n"  # a new link
        b"beta,Beta Renamed,US,,+1 415 555 0100,\n"  # a new name
        b"gamma,Gamma,FR,ops@gamma.example,,U0GAMMA\n"  # as before
    )
    code, out, _ = run(tmp_path, changed, capsys)

    assert code == 0
    assert out.startswith("3 companies loaded (0 inserted, 2 updated, 1 unchanged)")
    now = stored(context)
    assert now["acme"][4] == ("U0ACME1", "U0ACME2", "U0ACME3")
    assert now["beta"][0] == "Beta Renamed"


def test_a_user_of_another_company_is_a_bad_row_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], context: Context
) -> None:
    add_partner(
        AddPartner(id="zeta", name="Zeta", country="DE", slack_user_ids=("U0ZETA",)), context
    )
    data = HEADER + b"acme,Acme,DE,,,U0ACME1 U0ZETA\nbeta,Beta,DE,,,U0BETA\n"

    code, out, err = run(tmp_path, data, capsys)

    assert code == 1
    assert err == 'line 2: Slack user U0ZETA already belongs to partner "zeta"\n'
    assert out.startswith("1 companies loaded (1 inserted")
    assert stored(context)["zeta"][4] == ("U0ZETA",)
    assert "acme" not in stored(context)


def test_hostile_cells_are_bad_rows_of_their_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], context: Context
) -> None:
    data = (
        HEADER
        + (
            b"nul,Nul\x00Co,DE,,,\n"  # 2
            b"long," + b"x" * 5000 + b",DE,,,\n"  # 3
            b"bytes,Caf\xe9 \xff,DE,,,\n"  # 4
            b"\x1b[31mred,Red,DE,,,\n"  # 5: a terminal escape in a bad id
            b"huge," + b"y" * 300_000 + b",DE,,,\n"  # 6: beyond the csv module's cell limit
            b"ok,Fine Co,DE,,,\n"  # 7
        )
    )
    code, out, err = run(tmp_path, data, capsys)

    lines = err.splitlines()
    assert code == 1
    assert lines[:3] == [
        "line 2: contains a NUL character",
        "line 3: bad name: longer than 1000 characters",
        "line 4: not UTF-8 text",
    ]
    assert lines[3].startswith('line 5: bad id "\ufffd[31mred"')
    assert lines[4].startswith("line 6: field larger than field limit")
    assert len(lines) == 5
    assert all(line.isprintable() and len(line) < 300 for line in lines)
    assert sorted(stored(context)) == ["ok"]
    assert out.startswith("1 companies loaded (1 inserted")


def test_a_wrong_header_refuses_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], context: Context
) -> None:
    code, _, err = run(tmp_path, b"id,name,country\nacme,Acme,DE\n", capsys)

    assert code == 1
    assert "the header must be id,name,country,email,mobile,slack_users" in err
    assert "nothing was loaded" in err
    assert stored(context) == {}


def test_repeats_are_caught_across_batches(tmp_path: Path, runtime: Runtime) -> None:
    file = tmp_path / "p.csv"
    file.write_bytes(HEADER + b"a,A,DE,,,U0A\nb,B,DE,,,\nc,C,DE,,,U0A\nd,D,DE,,,\na,A2,DE,,,\n")
    bad: list[BadRow] = []
    with file.open("rb") as stream, SqlPartnerLoad(runtime.engine, runtime.context.clock) as load:
        report = import_partners(ImportPartners(read_partners(stream), bad.append), load, batch=2)

    assert [str(row) for row in bad] == [
        'line 4: Slack user U0A is listed for partner "a" on line 2',
        'line 6: same id "a" as line 2',
    ]
    assert (report.counts.inserted, report.bad) == (3, 2)
    assert sorted(stored(runtime.context)) == ["a", "b", "d"]
