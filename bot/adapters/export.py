"""Registrations out as CSV or JSON, with the columns DESIGN.md fixes, streamed: rows
come from a server-side cursor in batches and go out as they come, so memory does not
grow with the table."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, TextIO

from sqlalchemy import Connection, Select, select

from bot.adapters.export_sql import (
    codes,
    guarded,
    guarded_text,
    labelled_select,
    moment,
    number,
    plain,
    write_query_csv,
)
from bot.adapters.orm import RegistrationRow

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


def write_registrations_csv(
    connection: Connection,
    out: TextIO,
    partner_id: str | None = None,
    statuses: Sequence[str] = (),
    since: datetime | None = None,
) -> None:
    """What write_csv(registration_records(…)) writes, the cells made by the database
    (bot.adapters.export_sql): SQLAlchemy's processing of three times and a JSON list,
    then the guard and csv.writer per cell, were most of a row's cost. Only what a person
    typed can start like a formula; ids, statuses, reason codes and times never do."""
    c, d = RegistrationRow.__table__.c, connection.dialect.name
    cells = [
        number(c.id),
        guarded(c.partner_id, d),
        guarded(c.customer_name, d),
        guarded(c.email, d),
        guarded(c.mobile, d),
        guarded(c.country, d),
        plain(c.status),
        codes(c.reasons, d),
        moment(c.created_at, d),
        moment(c.valid_until, d),
        guarded(c.decided_by, d),
        moment(c.decided_at, d),
    ]
    query = _picked(labelled_select(cells, COLUMNS), partner_id, statuses, since)
    texts = [c.partner_id, c.customer_name, c.email, c.mobile, c.country, c.status, c.decided_by]
    write_query_csv(connection, query, texts, out, COLUMNS, _TYPED)


# The cells that hold what a person typed: only these can start like a formula.
_TYPED = ("partner_id", "customer_name", "email", "mobile", "country", "decided_by")


def _stored_rows(
    connection: Connection,
    partner_id: str | None,
    statuses: Sequence[str],
    since: datetime | None,
) -> Iterator[Any]:
    table = RegistrationRow.__table__
    # The table's columns carry the export's names.
    query = select(*(table.c[name] for name in COLUMNS))
    yield from streamed(connection, _picked(query, partner_id, statuses, since))


def _picked(
    query: Select[Any], partner_id: str | None, statuses: Sequence[str], since: datetime | None
) -> Select[Any]:
    table = RegistrationRow.__table__
    query = query.order_by(table.c.id)
    if partner_id is not None:
        query = query.where(table.c.partner_id == partner_id)
    if statuses:
        query = query.where(table.c.status.in_(list(statuses)))
    if since is not None:
        query = query.where(table.c.created_at >= since)
    return query


def streamed(connection: Connection, query: Select[Any]) -> Iterator[Any]:
    """The query's rows read in batches on one snapshot, taking no write lock (SQLite)."""
    reading = connection.execution_options(
        stream_results=True, yield_per=BATCH, prereg_read_only=True
    )
    yield from reading.execute(query)


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
    return guarded_text(str(value))


def _moment(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo is UTC else moment.astimezone(UTC)).isoformat()
