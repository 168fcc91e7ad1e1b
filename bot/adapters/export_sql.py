"""The exports' CSV cells made by the database itself: the formula guard, the times, the
reason codes and the amounts are SQL expressions, so that the rows arrive as the text
they are written as. On PostgreSQL the rows then go out by `COPY (…) TO STDOUT`, bytes
that this process only passes on; on SQLite csv.writer writes batches of them.

A cell is NULL where it is empty: COPY writes NULL as an empty field and an empty text
as `""`, csv.writer writes both as an empty field. The bytes are those of
export.write_csv over the records (tests/test_export_quick_paths.py holds them so).
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Sequence
from typing import Any, BinaryIO, TextIO

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Select,
    Text,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by

BATCH = 5000
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection)...
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# ...unless the whole cell is a plain number, such as an E.164 mobile: that is harmless,
# and quoting it would corrupt the column. ASCII digits only: what a spreadsheet reads.
_NUMBER = re.compile(r"[+-]?[0-9]+")
_ALWAYS = ("=", "@", "\t", "\r")
_SIGNS = ("+", "-")


def guarded_text(text: str) -> str:
    """A text as a spreadsheet must show it: prefixed with ' if it would run."""
    if text.startswith(FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def guarded(value: ColumnElement[Any], dialect: str) -> ColumnElement[Any]:
    """guarded_text in SQL, NULL for an empty or missing text. On SQLite the text only,
    empty for NULL: the guard is cheaper in Python there (_guard)."""
    if dialect == "sqlite":
        return func.coalesce(value, "")
    value = func.nullif(value, "")
    first = func.substr(value, 1, 1)
    not_digits = func.substr(value, 2).op("~")("[^0-9]")
    return case(
        (first.in_(_ALWAYS), "'" + value),
        (and_(first.in_(_SIGNS), or_(func.length(value) == 1, not_digits)), "'" + value),
        else_=value,
    )


def plain(value: ColumnElement[Any]) -> ColumnElement[Any]:
    """A text that never starts like a formula (a status, a stage), NULL for empty."""
    return func.nullif(value, "")


def number(value: ColumnElement[Any]) -> ColumnElement[Any]:
    return cast(value, Text)


def moment(value: ColumnElement[Any], dialect: str) -> ColumnElement[Any]:
    """A stored time as the records' path writes it (export._moment): ISO 8601 in UTC,
    microseconds only when there are some."""
    if dialect == "postgresql":
        utc = func.timezone("UTC", value)
        micro = cast(func.date_part("microseconds", utc), BigInteger) % 1_000_000
        return (
            func.to_char(utc, 'YYYY-MM-DD"T"HH24:MI:SS')
            + case((micro == 0, ""), else_=func.to_char(utc, ".US"))
            + "+00:00"
        )
    # SQLite keeps the text SQLAlchemy wrote: "YYYY-MM-DD HH:MM:SS.ffffff", in UTC.
    day, clock = func.substr(value, 1, 10), func.substr(value, 12)
    micro = func.substr(value, 20)
    return case(
        (value.is_(None), None),
        (micro.in_(("", ".000000")), day + "T" + func.substr(value, 12, 8) + "+00:00"),
        else_=day + "T" + clock + "+00:00",
    )


def codes(value: ColumnElement[Any], dialect: str) -> ColumnElement[Any]:
    """The reason codes of the stored JSON list, ;-joined in the list's order; NULL for
    none (an aggregate over no rows)."""
    if dialect == "postgresql":
        listed = (
            func.json_array_elements(value)
            .table_valued("value", with_ordinality="n")
            .render_derived()
        )
        code = listed.c.value.op("->>")("code")
        joined = select(func.string_agg(code, aggregate_order_by(literal(";"), listed.c.n)))
        return case((cast(value, Text) == "[]", None), else_=joined.scalar_subquery())
    each = func.json_each(value).table_valued("value")
    each_code = func.json_extract(each.c.value, "$.code")
    concat = select(func.group_concat(each_code, ";")).scalar_subquery()
    return case((or_(value.is_(None), value == "[]"), None), else_=concat)


def amount(cents: ColumnElement[Any]) -> ColumnElement[Any]:
    """opportunity_export._amount in SQL: two decimals, a negative one guarded."""
    whole = cast(func.abs(cents) // 100, Text)
    padded = "0" + cast(func.abs(cents) % 100, Text)
    hundredths = func.substr(padded, func.length(padded) - 1)  # the last two digits
    shown = whole + "." + hundredths
    return case((cents.is_(None), None), (cents < 0, "'-" + shown), else_=shown)


def write_query_csv(
    connection: Connection,
    query: Select[Any],
    texts: Sequence[ColumnElement[Any]],
    out: TextIO,
    columns: Sequence[str],
    guard: Sequence[str],
) -> None:
    """The header, then the rows of `query` (its cells already as written, but for the
    guard on SQLite: the cells named by `guard`): by COPY on PostgreSQL unless a text of
    the export's rows holds what COPY quotes and csv.writer does not, a carriage return
    without a line feed: those few exports take the batches."""
    csv.writer(out, lineterminator="\n").writerow(columns)
    if connection.dialect.name == "postgresql":
        # The check and the rows on one snapshot, unless the caller's transaction is open.
        if connection.in_transaction():
            _postgresql(connection, query, texts, out)
        else:
            reading = connection.execution_options(isolation_level="REPEATABLE READ")
            with reading.begin():
                _postgresql(reading, query, texts, out)
        return
    at = [columns.index(name) for name in guard]
    _batches(connection.execution_options(prereg_read_only=True), query, out, at)


def _postgresql(
    connection: Connection,
    query: Select[Any],
    texts: Sequence[ColumnElement[Any]],
    out: TextIO,
) -> None:
    if _copy_would_differ(connection, query, texts):
        _batches(connection, query, out)
    else:
        out.flush()
        _copy(connection, query, out)


def _copy_would_differ(
    connection: Connection, query: Select[Any], texts: Sequence[ColumnElement[Any]]
) -> bool:
    picked = query.with_only_columns(literal(1)).order_by(None)
    awkward = or_(*(func.strpos(t, "\r") > 0 for t in texts))
    return bool(connection.execute(select(exists(picked.where(awkward)))).scalar())


def _copy(connection: Connection, query: Select[Any], out: TextIO) -> None:
    """The bytes as they come to a binary stream (stdout's); decoded for a text one."""
    compiled = query.compile(
        dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
    )
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    statement = f"COPY ({compiled.string}) TO STDOUT (FORMAT csv)"
    binary: BinaryIO | None = getattr(out, "buffer", None)
    decoder = codecs.getincrementaldecoder("utf-8")()
    with cursor.copy(statement, compiled.params) as copy:
        for data in copy:
            if binary is not None:
                binary.write(data)
            else:
                out.write(decoder.decode(data))
    if binary is not None:
        binary.flush()


def _batches(
    connection: Connection, query: Select[Any], out: TextIO, guard_at: Sequence[int] = ()
) -> None:
    """A list at a time; on SQLite from the driver's cursor itself, past SQLAlchemy's rows
    (its streaming strategy would buffer ahead, so the plain one is used: sqlite3 steps
    through the rows as they are fetched)."""
    writer = csv.writer(out, lineterminator="\n")
    if connection.dialect.name != "sqlite":
        streaming = connection.execution_options(stream_results=True, yield_per=BATCH)
        for rows in streaming.execute(query).partitions():
            writer.writerows(rows)
        return
    result = connection.execute(query)
    cursor = result.cursor
    try:
        while batch := cursor.fetchmany(BATCH):
            writer.writerows(_guard(batch, guard_at) if guard_at else batch)
    finally:
        result.close()


def _guard(batch: Sequence[Any], at: Sequence[int]) -> list[Any]:
    """guarded_text on the cells at `at` of the rows that need it (few do: a mobile starts
    with + but is a plain number)."""
    start, number = FORMULA_START, _NUMBER.fullmatch
    done = []
    for row in batch:
        for n in at:
            if row[n].startswith(start) and not number(row[n]):
                cells = list(row)
                for m in at:
                    cells[m] = guarded_text(cells[m])
                row = cells
                break
        done.append(row)
    return done


def labelled_select(cells: Sequence[ColumnElement[Any]], names: Sequence[str]) -> Select[Any]:
    """The cells under the export's column names, in the header's order."""
    return select(*(cell.label(name) for cell, name in zip(cells, names, strict=True)))
