"""Registrations out as CSV or JSON, with the columns DESIGN.md fixes, streamed: rows
come from a server-side cursor in batches and go out as they come, so memory does not
grow with the table."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, TextIO

from sqlalchemy import Connection, select

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

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
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
    """The cells of write_csv(registration_records(…)), built straight from the stored
    tuples: five times fewer calls a row. Only what a person typed can start like a
    formula; ids, statuses, reason codes and times never do."""
    for row in _stored_rows(connection, partner_id, statuses, since):
        (id_, partner, name, email, mobile, country, status, reasons, created, valid, by, at) = row
        yield (
            str(id_),
            _cell(partner),
            _cell(name),
            _cell(email),
            _cell(mobile),
            _cell(country),
            status,
            ";".join([reason["code"] for reason in reasons or ()]),
            _moment(created) or "",
            _moment(valid) or "",
            _cell(by),
            _moment(at) or "",
        )


def write_csv_rows(rows: Iterable[Sequence[str]], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)


def _stored_rows(
    connection: Connection,
    partner_id: str | None,
    statuses: Sequence[str],
    since: datetime | None,
) -> Iterator[Any]:
    table = RegistrationRow.__table__
    # The table's columns carry the export's names.
    query = select(*(table.c[name] for name in COLUMNS)).order_by(table.c.id)
    if partner_id is not None:
        query = query.where(table.c.partner_id == partner_id)
    if statuses:
        query = query.where(table.c.status.in_(list(statuses)))
    if since is not None:
        query = query.where(table.c.created_at >= since)
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
    text = str(value)
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def _moment(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo is UTC else moment.astimezone(UTC)).isoformat()
