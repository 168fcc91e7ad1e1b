"""Registrations out as CSV or JSON, with the columns DESIGN.md fixes."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TextIO

from bot.domain.model import Registration

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


def record(registration: Registration) -> Record:
    """One registration as the export's keys, JSON-shaped: None where not applicable."""
    customer = registration.customer
    return {
        "id": registration.id,
        "partner_id": registration.partner_id,
        "customer_name": customer.name,
        "email": customer.email,
        "mobile": customer.mobile,
        "country": customer.country,
        "status": registration.status.value,
        "reasons": [reason.code.value for reason in registration.reasons],
        "created_at": _moment(registration.created_at),
        "valid_until": _moment(registration.valid_until),
        "decided_by": registration.decided_by,
        "decided_at": _moment(registration.decided_at),
    }


def write_json(registrations: Iterable[Registration], out: TextIO) -> None:
    json.dump([record(r) for r in registrations], out, indent=2, ensure_ascii=False)
    out.write("\n")


def write_csv(registrations: Iterable[Registration], out: TextIO) -> None:
    """Cells that a spreadsheet would run as a formula are prefixed with `'`."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for registration in registrations:
        row = record(registration)
        writer.writerow(_cell(row[column]) for column in COLUMNS)


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
    return moment.astimezone(UTC).isoformat() if moment is not None else None
