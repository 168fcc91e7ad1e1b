"""Registrations out as CSV or JSON, with the columns DESIGN.md fixes, streamed: rows
come from a server-side cursor in batches and go out as they come, so memory does not
grow with the table."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TextIO

from sqlalchemy import (
    JSON,
    BigInteger,
    ColumnElement,
    Connection,
    Select,
    String,
    Text,
    case,
    cast,
    func,
    select,
    type_coerce,
)

from bot.adapters.orm import RegistrationRow
from bot.adapters.orm.base import UTCDateTime

COLUMNS = (
    "id",
    "partner_id",
    "customer_name",
    "email",
    "mobile",
    "country",
    "status",
    "reasons",
    "created_at",
    "valid_until",
    "decided_by",
    "decided_at",
)

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# ...unless the whole cell is a plain number, such as an E.164 mobile: that is harmless,
# and quoting it would corrupt the column.
_NUMBER = re.compile(r"[+-]?\d+")

Record = dict[str, str | int | list[str] | None]
BATCH = 2000


def registration_records(
    connection: Connection,
    partner_id: str | None = None,
    statuses: Sequence[str] = (),
    since: datetime | None = None,
) -> Iterator[Record]:
    """The export's rows in id order, read without the ORM's objects (a plain row is
    several times cheaper), on a read-only transaction that leaves writers alone."""
    for row in _stored_rows(connection, partner_id, statuses, since):
        (id_, partner, name, email, mobile, country, status, reasons, created, valid, by, at) = row
        yield {
            "id": id_,
            "partner_id": partner,
            "customer_name": name,
            "email": email,
            "mobile": mobile,
            "country": country,
            "status": status,
            "reasons": [reason["code"] for reason in reasons or ()],
            "created_at": _moment(created),
            "valid_until": _moment(valid),
            "decided_by": by,
            "decided_at": _moment(at),
        }


def csv_rows(
    connection: Connection,
    partner_id: str | None = None,
    statuses: Sequence[str] = (),
    since: datetime | None = None,
) -> Iterator[tuple[str, ...]]:
    """The cells of write_csv(registration_records(…)), built straight from the values
    as the driver hands them over (SQLAlchemy's type processing of three times and a JSON
    list was most of a row's cost), the texts empty instead of NULL already. Only what a
    person typed can start like a formula; ids, statuses, reason codes and times never do."""
    s, g, when = FORMULA_START, guarded, utc_text
    for row in _stored_rows(connection, partner_id, statuses, since, plain=True):
        (id_, partner, name, email, mobile, country, status, reasons, created, valid, by, at) = row
        yield (
            str(id_),
            g(partner) if partner.startswith(s) else partner,
            g(name) if name.startswith(s) else name,
            g(email) if email.startswith(s) else email,
            g(mobile) if mobile.startswith(s) else mobile,
            g(country) if country.startswith(s) else country,
            status,
            _codes(reasons),
            when(created),
            when(valid),
            g(by) if by.startswith(s) else by,
            when(at),
        )


def guarded(text: str | None) -> str:
    """_cell of a stored text."""
    if text is None:
        return ""
    if text.startswith(FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def utc_text(value: datetime | str | None) -> str:
    """A stored time as _moment writes it: SQLite hands over its text (UTC, no offset;
    SQLAlchemy writes it with six digits of microseconds), PostgreSQL the text in that
    form already (as_stored), or an aware datetime."""
    if not value:  # NULL, or empty for NULL (as_stored)
        return ""
    if isinstance(value, str):
        if value.endswith("+00:00"):  # written so by PostgreSQL (as_stored)
            return value
        if len(value) == 26 and value[10] == " ":  # the usual form, without parsing it
            return value.replace(" ", "T").removesuffix(".000000") + "+00:00"
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        return value.isoformat() + "+00:00"
    # PostgreSQL's times come in the session's zone, UTC as a zone of its own.
    return (value if value.utcoffset() == _NO_OFFSET else value.astimezone(UTC)).isoformat()


_NO_OFFSET = timedelta(0)


def _codes(reasons: str | list[dict[str, Any]] | None) -> str:
    """The reason codes, ;-joined, from the stored JSON list (text on SQLite)."""
    if not reasons or reasons == "[]":
        return ""
    listed = json.loads(reasons) if isinstance(reasons, str) else reasons
    return ";".join([reason["code"] for reason in listed])


def as_stored(column: ColumnElement[Any], dialect: str) -> ColumnElement[Any]:
    """The column as the driver hands it over, no SQLAlchemy processing per value; a
    text column empty instead of NULL; on PostgreSQL a time already as utc_text writes
    it (parsing it in psycopg and formatting it again was half a row's cost there)."""
    if isinstance(column.type, String):
        return func.coalesce(column, "").label(column.key)
    if isinstance(column.type, JSON):  # as text: psycopg would parse each (slowly)
        return cast(column, Text).label(column.key)
    if isinstance(column.type, UTCDateTime) and dialect == "postgresql":
        utc = func.timezone("UTC", column)
        micro = cast(func.date_part("microseconds", utc), BigInteger) % 1_000_000
        text = (
            func.to_char(utc, 'YYYY-MM-DD"T"HH24:MI:SS')
            + case((micro == 0, ""), else_=func.to_char(utc, ".US"))
            + "+00:00"
        )
        return func.coalesce(text, "").label(column.key)
    return type_coerce(column, String).label(column.key)


def write_csv_rows(
    rows: Iterable[Sequence[str]], out: TextIO, columns: Sequence[str] = COLUMNS
) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)


def _stored_rows(
    connection: Connection,
    partner_id: str | None,
    statuses: Sequence[str],
    since: datetime | None,
    plain: bool = False,
) -> Iterator[Any]:
    table = RegistrationRow.__table__
    # The table's columns carry the export's names.
    columns: list[ColumnElement[Any]] = [table.c[name] for name in COLUMNS]
    if plain:
        columns = [as_stored(column, connection.dialect.name) for column in columns]
    query = select(*columns).order_by(table.c.id)
    if partner_id is not None:
        query = query.where(table.c.partner_id == partner_id)
    if statuses:
        query = query.where(table.c.status.in_(list(statuses)))
    if since is not None:
        query = query.where(table.c.created_at >= since)
    yield from streamed(connection, query, plain)


def streamed(connection: Connection, query: Select[Any], plain: bool) -> Iterator[Any]:
    """The query's rows read in batches on one snapshot, taking no write lock (SQLite); with
    `plain`, fetched a list at a time: cheaper than row by row."""
    reading = connection.execution_options(
        stream_results=True, yield_per=BATCH, prereg_read_only=True
    )
    result = reading.execute(query)
    if not plain:
        yield from result
        return
    for batch in result.partitions():
        yield from batch


def write_json(records: Iterable[Record], out: TextIO) -> None:
    """The same text as json.dump(list, indent=2), one object at a time."""
    separator = "[\n"
    for item in records:
        out.write(
            separator + "  " + json.dumps(item, indent=2, ensure_ascii=False).replace("\n", "\n  ")
        )
        separator = ",\n"
    out.write("[]\n" if separator == "[\n" else "\n]\n")


def write_csv(records: Iterable[Record], out: TextIO, columns: Sequence[str] = COLUMNS) -> None:
    """Cells that a spreadsheet would run as a formula are prefixed with `'`."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([_cell(row[column]) for column in columns] for row in records)


def _cell(value: str | int | list[str] | None) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(value)
    text = str(value)
    if text.startswith(FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def _moment(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo is UTC else moment.astimezone(UTC)).isoformat()
