"""The cloud directory's CSV export → CustomerFacts, or a reason per bad row, streamed.

The file is refused as a whole only when it cannot be read as this format at all
(empty, wrong header); otherwise every row stands on its own, so that one bad row
(undecodable bytes, a NUL, a cell of 200,000 characters) never holds back the good
ones. Rows are read one at a time: memory does not grow with the file.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

from bot.adapters.csv_records import cut, read_records, unreadable, unreadable_why
from bot.adapters.directory_cells import (
    COUNTRIES,
    FLAGS,
    MAX_LENGTH,
    MOMENTS,
    SITES,
    problems,
)
from bot.domain.identity import normalize_email, normalize_mobile
from bot.domain.model import CustomerFacts
from bot.services.directory import BadRow, Row

HEADER = (
    "email",
    "mobile",
    "name",
    "site",
    "registered_at",
    "country",
    "associated_partner_id",
    "has_contract",
    "has_spend",
    "direct_sales_followup",
    "online_sales",
)


class DirectoryFileError(Exception):
    """The file as a whole is not a directory CSV; nothing of it was loaded."""


RowError = BadRow  # the name this module's callers have always used


@dataclass
class ParsedDirectory:
    facts: list[CustomerFacts] = field(default_factory=list)
    errors: list[BadRow] = field(default_factory=list)


def parse_directory(data: bytes) -> ParsedDirectory:
    """A whole small file in memory, duplicates refused as the import refuses them."""
    parsed = ParsedDirectory()
    first_line_of: dict[str, int] = {}
    for result in read_directory(io.BytesIO(data)):
        if isinstance(result, BadRow):
            parsed.errors.append(result)
            continue
        key = result.key
        if key in first_line_of:
            parsed.errors.append(duplicate(result, first_line_of[key]))
            continue
        first_line_of[key] = result.line
        parsed.facts.append(result.facts)
    return parsed


def duplicate(row: Row, first_line: int) -> BadRow:
    """Loading both, the later row would win now and lose on every re-import, which must
    change nothing: the repeat is refused."""
    what = "email" if row.email else "mobile"
    return BadRow(row.line, f"same account ({what}) as line {first_line}")


def read_directory(stream: IO[bytes]) -> Iterator[Row | BadRow]:
    """Each record, parsed, in file order. The header is checked before the first item."""
    return read_records(stream, _check_header, parse_row)


def _check_header(header: list[str] | None) -> None:
    expected = ",".join(HEADER)
    if header is None:
        raise DirectoryFileError(f"the file is empty; its first line must be {expected}")
    names = [name.strip() for name in header]
    if tuple(names) == HEADER:
        return
    missing = [name for name in HEADER if name not in names]
    unexpected = [name for name in names if name not in HEADER]
    details = []
    if missing:
        details.append("missing " + ", ".join(missing))
    if unexpected:
        details.append("unexpected " + ", ".join(f'"{cut(name)}"' for name in unexpected))
    if not details:
        details.append("columns out of order")
    raise DirectoryFileError(f"line 1: the header must be {expected} ({'; '.join(details)})")


def parse_row(line: int, cells: list[str]) -> Row | BadRow:
    """One record; every problem in it is reported, not only the first."""
    if len(cells) != _FIELDS:
        return BadRow(line, f"expected {_FIELDS} fields, found {len(cells)}")
    joined = "".join(cells)
    if "\x00" in joined or (not joined.isascii() and unreadable(joined)):
        return BadRow(line, unreadable_why(cells))
    try:
        return _row(line, *map(str.strip, cells))
    except ValueError:
        # Rare, so the thorough pass runs only then, to name every problem of the row.
        return BadRow(line, "; ".join(problems(HEADER, cells)))


def _row(
    line: int,
    email: str,
    mobile: str,
    name: str,
    site: str,
    registered: str,
    country: str,
    partner: str,
    contract: str,
    spend: str,
    followup: str,
    online: str,
) -> Row:
    """The good row's way through, straight to the flat Row (a million rows: every call
    counts): the first problem stops it. The common spellings of a country, site, flag or
    date are looked up in tables (bot.adapters.directory_cells); any other takes the
    checked way."""
    if not (email or mobile):
        raise ValueError("needs an email or a mobile")
    code = COUNTRIES[country] if country else None
    email_ = normalize_email(email) if email else None
    mobile_ = normalize_mobile(mobile, code or "") if mobile else None
    if len(name) > _NAME_MAX or len(partner) > _PARTNER_MAX:
        raise ValueError("too long")
    return Row(
        line,
        email_ or f"tel:{mobile_}",
        email_,
        mobile_,
        name or None,
        SITES[site],
        MOMENTS[registered] if registered else None,
        code,
        partner or None,
        FLAGS[contract],
        FLAGS[spend],
        FLAGS[followup],
        FLAGS[online],
    )


_FIELDS = len(HEADER)
_NAME_MAX = MAX_LENGTH["name"]
_PARTNER_MAX = MAX_LENGTH["associated_partner_id"]
