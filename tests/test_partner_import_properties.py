"""The partners importer against any file: the whole file refused for its header, or every row
loaded exactly as checked or reported bad by its line; never an exception, never part of a
row stored; a second import of the same file changes nothing. On both databases."""

from __future__ import annotations

import io

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from bot.adapters.partners_bulk import SqlPartnerLoad
from bot.adapters.partners_csv import PartnersFileError, read_partners
from bot.bootstrap import Runtime
from bot.domain.model import Partner
from bot.services.directory import BadRow
from bot.services.partner_import import CompanyRow, ImportPartners, import_partners
from bot.services.partners import InvalidPartner, ListPartners, _validated, list_partners

HEADER = b"id,name,country,email,mobile,slack_users\n"

CELLS = st.sampled_from(["", " ", "\x00", "é", '"quoted, cell"', '"unterminated', "x" * 1001])
ROW = st.tuples(
    st.sampled_from(["acme", "beta", " gamma ", "Bad id", "", "a" * 65, "\x1b[31m"]) | CELLS,
    st.sampled_from(["Acme", '"Beta, Inc."', "Zoë", "N" * 201, ""]) | CELLS,
    st.sampled_from(["DE", "de", "US", "XX", ""]) | CELLS,
    st.sampled_from(["", "sales@acme.example", " A@B.DE ", "nope"]) | CELLS,
    st.sampled_from(["", "030 901820", "+1 415 555 0100", "12"]) | CELLS,
    st.sampled_from(["", "U0A", "U0A U0B", "U0B", "bad", "U0A U0A"]) | CELLS,
).map(",".join)
ROWS = ROW | st.lists(CELLS | st.text(max_size=8), min_size=1, max_size=8).map(",".join)


@st.composite
def partner_files(draw: st.DrawFn) -> bytes:
    body = "\n".join(draw(st.lists(ROWS, max_size=10))).encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        at = draw(st.integers(0, len(body)))
        body = body[:at] + draw(st.binary(max_size=6)) + body[at:]
    header = draw(st.sampled_from([HEADER, b"\xef\xbb\xbf" + HEADER, b"id,name\n", b""]))
    return header + body


def stored(runtime: Runtime) -> dict[str, Partner]:
    return {p.id: p for p in list_partners(ListPartners(), runtime.context)}


def load(runtime: Runtime, data: bytes) -> tuple[list[BadRow], int, int]:
    bad: list[BadRow] = []
    with SqlPartnerLoad(runtime.engine, runtime.context.clock) as loader:
        cmd = ImportPartners(read_partners(io.BytesIO(data)), bad.append)
        report = import_partners(cmd, loader, batch=3)
    assert report.bad == len(bad)
    return bad, report.counts.inserted, report.counts.updated


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=partner_files())
@example(data=HEADER + b"acme,Acme,DE,,," + b"U" * 1001)  # the user was repeated whole
@example(data=HEADER + b"a" * 1000 + b",Acme,DE,,,\nacme,Acme,DE,,,\nacme,Again,DE,,,")
def test_any_file_loads_checked_rows_and_reports_the_rest_by_line(
    runtime: Runtime, data: bytes
) -> None:
    with runtime.engine.begin() as connection:
        connection.execute(text("DELETE FROM partner_users"))
        connection.execute(text("DELETE FROM partners"))
    try:
        parsed = list(read_partners(io.BytesIO(data)))
        bad, inserted, _ = load(runtime, data)
    except PartnersFileError:
        assert not data.removeprefix(b"\xef\xbb\xbf").startswith(HEADER)
        assert stored(runtime) == {}
        return

    bad_lines = [row.line for row in bad]
    assert bad_lines == sorted(set(bad_lines))
    assert {row.line for row in parsed if isinstance(row, BadRow)} <= set(bad_lines)
    assert all(row.message.isprintable() and len(row.message) < 1000 for row in bad)
    expected: dict[str, Partner] = {}
    for row in parsed:
        if isinstance(row, CompanyRow) and row.line not in bad_lines:
            try:
                partner = _validated(row.company)
            except InvalidPartner:  # pragma: no cover - shown by the assertion
                raise AssertionError(f"line {row.line} loaded although invalid") from None
            expected[partner.id] = partner
    assert stored(runtime) == expected  # each good row whole, nothing of a bad one
    assert inserted == len(expected)
    assert len(bad) + len(expected) == len(parsed)

    again, inserted, updated = load(runtime, data)  # the same file again: nothing changes
    assert (inserted, updated) == (0, 0)
    assert stored(runtime) == expected
    assert [row.line for row in again] == bad_lines
