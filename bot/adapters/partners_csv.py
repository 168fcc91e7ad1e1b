"""The partners CSV (`id,name,country,email,mobile,slack_users`) → rows as typed, streamed.

Read as the directory CSV is read: the file is refused as a whole only for a missing or
wrong header; an undecodable row, a NUL or an over-long cell is a bad row of its own.
Values are checked by the use case, as `prereg partners add` checks them.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import IO, Any

from bot.adapters.directory_csv import _cut, _lines, _unreadable_why
from bot.services.directory import BadRow
from bot.services.partner_import import CompanyRow
from bot.services.partners import AddPartner

HEADER = ("id", "name", "country", "email", "mobile", "slack_users")
# Far beyond any valid value; they keep a hostile cell out of the error lines.
MAX_CELL = {"slack_users": 20_000}
DEFAULT_MAX_CELL = 1000


class PartnersFileError(Exception):
    """The file as a whole is not a partners CSV; nothing of it was loaded."""


def read_partners(stream: IO[bytes]) -> Iterator[CompanyRow | BadRow]:
    """Each record in file order. The header is checked before the first item."""
    reader = csv.reader(_lines(stream))
    try:
        header = next(reader, None)
    except csv.Error:
        header = ["?"]
    if header and header[0].startswith("\ufeff"):
        header[0] = header[0][1:]
    _check_header(header)
    return _rows(reader)


def _rows(reader: Any) -> Iterator[CompanyRow | BadRow]:
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield BadRow(start, _cut(str(error)))
            continue
        if any(cell.strip() for cell in cells):
            yield _row(start, cells)


def _row(line: int, cells: list[str]) -> CompanyRow | BadRow:
    if len(cells) != len(HEADER):
        return BadRow(line, f"expected {len(HEADER)} fields, found {len(cells)}")
    joined = "".join(cells)
    if "\x00" in joined or (not joined.isascii() and _unreadable(joined)):
        return BadRow(line, _unreadable_why(cells))
    for name, cell in zip(HEADER, cells, strict=True):
        limit = MAX_CELL.get(name, DEFAULT_MAX_CELL)
        if len(cell) > limit:
            return BadRow(line, f"bad {name}: longer than {limit} characters")
    partner_id, name, country, email, mobile, users = cells
    company = AddPartner(
        id=partner_id,
        name=name,
        country=country,
        email=email or None,
        mobile=mobile or None,
        slack_user_ids=tuple(users.split()),
    )
    return CompanyRow(line, company)


def _unreadable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _check_header(header: list[str] | None) -> None:
    expected = ",".join(HEADER)
    if header is None:
        raise PartnersFileError(f"the file is empty; its first line must be {expected}")
    names = [name.strip() for name in header]
    if tuple(names) != HEADER:
        found = _cut(",".join(names))
        raise PartnersFileError(f'line 1: the header must be {expected}, not "{found}"')
