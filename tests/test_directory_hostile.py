"""Directory import against hostile files: every bad row is reported by its line and the
good rows still load, on both databases; no input makes the import raise or store part
of a bad row."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from bot.adapters.directory_csv import DirectoryFileError, read_directory
from bot.adapters.orm import DirectoryEntryRow
from bot.adapters.repositories.directory import directory_key, facts_from_row
from bot.bootstrap import Runtime
from bot.cli import main
from bot.domain.model import CustomerFacts
from bot.services.directory import ImportFile, Row, import_file

HEADER = (
    b"email,mobile,name,site,registered_at,country,associated_partner_id,"
    b"has_contract,has_spend,direct_sales_followup,online_sales\n"
)


def good(n: int) -> bytes:
    return f"user{n}@example.com,,Customer {n},intl,2026-01-0{1 + n % 9},DE,,false,,,\n".encode()


def stored(runtime: Runtime) -> dict[str, CustomerFacts]:
    with runtime.context.uow() as uow:
        rows = uow.session.query(DirectoryEntryRow).all()  # type: ignore[attr-defined]
        return {row.key: facts_from_row(row) for row in rows}


@pytest.mark.usefixtures("cli_env")
def test_hostile_rows_are_bad_rows_by_line_and_the_rest_loads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], runtime: Runtime
) -> None:
    hostile = tmp_path / "hostile.csv"
    hostile.write_bytes(
        HEADER
        + good(1)  # line 2
        + b"bad\xffbyte@example.com,,Latin-1 \xe9,,,DE,,,,,\n"  # line 3
        + good(2)  # line 4
        + b"nul@example.com,,Nul\x00Name,,,DE,,,,,\n"  # line 5
        + b"long@example.com,,"
        + b"N" * 200_000
        + b",,,DE,,,,,\n"  # line 6: a cell past the reader's limit
        + good(3)  # line 7
        + b"wide@example.com,,"
        + b"W" * 5_000
        + b",,,DE,,,,,\n"  # line 8: longer than a name may be
        + b"x" * (3 << 20)
        + b"\n"  # line 9: a line of 3 MiB
        + good(4)  # line 10
    )

    code = main(["directory", "import", str(hostile)])

    out, err = capsys.readouterr()
    assert code == 1
    assert out == "4 rows loaded (4 inserted, 0 updated, 0 unchanged), 5 bad rows skipped\n"
    lines = err.splitlines()
    assert [line.split(":")[0] for line in lines] == [f"line {n}" for n in (3, 5, 6, 8, 9)]
    assert "not UTF-8" in lines[0]
    assert "NUL" in lines[1]
    assert "longer than 200 characters" in lines[3]
    assert all(len(line) < 300 for line in lines), "long values are cut in the error line"
    assert sorted(stored(runtime)) == [f"user{n}@example.com" for n in (1, 2, 3, 4)]


def test_a_repeat_is_refused_however_many_batches_later(runtime: Runtime) -> None:
    data = HEADER + good(1) + good(2) + good(3) + good(4) + good(5) + good(1)
    with runtime.directory_load() as load:
        report = import_file(ImportFile(read_directory(io.BytesIO(data))), load, batch=2)

    assert report.counts.inserted == 5
    assert [str(bad) for bad in report.bad_rows] == ["line 7: same account (email) as line 2"]


def test_a_repeat_by_mobile_is_named_so(runtime: Runtime) -> None:
    row = b",+4930901820,Mobile,,,DE,,,,,\n"
    with runtime.directory_load() as load:
        report = import_file(
            ImportFile(read_directory(io.BytesIO(HEADER + row + good(1) + row))), load
        )

    assert [str(bad) for bad in report.bad_rows] == ["line 4: same account (mobile) as line 2"]


# --- any input ----------------------------------------------------------------------

CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            "a@example.com",
            "+4930901820",
            "maybe",
            "XX",
            "2026-02-30",
            '"quoted, cell"',
            '"unterminated',
            "\x00",
            "é",
            "N" * 300,
        ]
    ),
    st.text(max_size=12),
)
VALID = st.tuples(
    st.sampled_from(["", "a@example.com", " A@Example.com", "b@example.org", "c@example.net"]),
    st.sampled_from(["", "+4930901820", "030 901821", "+44 20 7946 0958"]),
    st.sampled_from(["", "Ada", '"Bob, the builder"', "Zoë"]),
    st.sampled_from(["", "intl", "cn"]),
    st.sampled_from(["", "2026-01-31", "2026-01-31T09:30:00+02:00"]),
    st.sampled_from(["DE", "de", "GB", ""]),
    st.sampled_from(["", "P-1"]),
    *[st.sampled_from(["", "true", "FALSE"])] * 4,
)
ROWS = st.one_of(
    VALID.map(list),
    st.tuples(VALID, st.integers(0, 10), CELLS).map(
        lambda t: [*t[0][: t[1]], t[2], *t[0][t[1] + 1 :]]
    ),
    st.lists(CELLS, min_size=9, max_size=12),
)


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    rows = draw(st.lists(ROWS.map(",".join), max_size=12))
    body = "\n".join(rows).encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        at = draw(st.integers(0, len(body)))
        body = body[:at] + draw(st.binary(max_size=6)) + body[at:]
    header = draw(st.sampled_from([HEADER, b"\xef\xbb\xbf" + HEADER, b"email,mobile\n"]))
    return header + body


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=csv_files())
def test_any_file_gives_bad_rows_by_line_or_a_clean_load(runtime: Runtime, data: bytes) -> None:
    with runtime.engine.begin() as connection:
        connection.execute(text("DELETE FROM directory_entries"))
    try:
        parsed = list(read_directory(io.BytesIO(data)))
        with runtime.directory_load() as load:
            report = import_file(ImportFile(read_directory(io.BytesIO(data))), load, batch=3)
    except DirectoryFileError:
        assert not data.lstrip(b"\xef\xbb\xbf").startswith(HEADER)
        return

    first: dict[str, Row] = {}
    for row in parsed:
        if isinstance(row, Row):
            first.setdefault(directory_key(row.facts), row)
    loaded = {key: row.facts for key, row in first.items()}
    bad_lines = [row.line for row in report.bad_rows]
    assert bad_lines == sorted(bad_lines)
    assert set(bad_lines).isdisjoint(row.line for row in first.values())
    assert report.counts.inserted == len(loaded) == report.counts.loaded
    assert report.bad == len(parsed) - len(loaded)
    kept = {row.line for row in first.values()}
    assert bad_lines == [row.line for row in parsed if row.line not in kept]
    assert stored(runtime) == loaded


def test_a_second_import_counts_each_row_once_across_batches(runtime: Runtime) -> None:
    """Counts stay exact batch by batch: one row changed, one the same, three new, one a
    repeat of a row two batches earlier; a third run changes nothing."""
    with runtime.directory_load() as load:
        first = import_file(
            ImportFile(read_directory(io.BytesIO(HEADER + good(1) + good(2)))), load, 2
        )
    assert (first.counts.inserted, first.bad) == (2, 0)
    changed = b"user2@example.com,,Renamed,cn,,DE,,true,,,\n"
    data = HEADER + changed + good(1) + good(3) + good(5) + good(6) + good(1)
    for run in range(2):
        with runtime.directory_load() as load:
            report = import_file(ImportFile(read_directory(io.BytesIO(data))), load, batch=2)
        expected = (3, 1, 1) if run == 0 else (0, 0, 5)
        counts = report.counts
        assert (counts.inserted, counts.updated, counts.unchanged) == expected
        assert [str(bad) for bad in report.bad_rows] == ["line 7: same account (email) as line 3"]
    facts = stored(runtime)
    assert sorted(facts) == [f"user{n}@example.com" for n in (1, 2, 3, 5, 6)]
    assert facts["user2@example.com"].name == "Renamed"
    assert facts["user2@example.com"].has_contract is True


def test_the_import_gives_its_connection_back_as_it_found_it(runtime: Runtime) -> None:
    """On SQLite the import's own connection does not wait for the disk at each batch's
    commit; the bot's writes on that connection afterwards wait for it as before."""
    if runtime.engine.dialect.name != "sqlite":
        pytest.skip("a setting of SQLite's connections")
    (default,) = sqlite3.connect(":memory:").execute("PRAGMA synchronous").fetchone()
    with runtime.directory_load() as load:
        driver = load.connection.connection.dbapi_connection
        assert driver is not None
        assert driver.execute("PRAGMA synchronous").fetchone() == (1,)  # NORMAL
        import_file(ImportFile(read_directory(io.BytesIO(HEADER + good(1)))), load)
    assert driver.execute("PRAGMA synchronous").fetchone() == (default,)
    assert sorted(stored(runtime)) == ["user1@example.com"]
