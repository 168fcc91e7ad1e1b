"""The partners CSV (`id,name,country,email,mobile,slack_users`) → rows as typed, streamed.

Read as the directory CSV is read: the file is refused as a whole only for a missing or
wrong header; an undecodable row, a NUL or an over-long cell is a bad row of its own.
Values are checked by the use case, as `prereg partners add` checks them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from bot.adapters.csv_records import cut, read_records, unreadable, unreadable_why
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
    return read_records(stream, _check_header, _row)


def _row(line: int, cells: list[str]) -> CompanyRow | BadRow:
    if len(cells) != len(HEADER):
        return BadRow(line, f"expected {len(HEADER)} fields, found {len(cells)}")
    joined = "".join(cells)
    if "\x00" in joined or (not joined.isascii() and unreadable(joined)):
        return BadRow(line, unreadable_why(cells))
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


def _check_header(header: list[str] | None) -> None:
    expected = ",".join(HEADER)
    if header is None:
        raise PartnersFileError(f"the file is empty; its first line must be {expected}")
    names = [name.strip() for name in header]
    if tuple(names) != HEADER:
        found = cut(",".join(names))
        raise PartnersFileError(f'line 1: the header must be {expected}, not "{found}"')
