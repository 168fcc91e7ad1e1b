"""The cloud directory's CSV export → CustomerFacts, or a reason per bad row, streamed.

The file is refused as a whole only when it cannot be read as this format at all
(empty, wrong header); otherwise every row stands on its own, so that one bad row
(undecodable bytes, a NUL, a cell of 200,000 characters) never holds back the good
ones. Rows are read one at a time: memory does not grow with the file.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import IO, Any

from bot.adapters.csv_records import cut, read_records, unreadable, unreadable_why
from bot.domain.identity import (
    InvalidEmail,
    InvalidMobile,
    is_country_code,
    normalize_email,
    normalize_mobile,
)
from bot.domain.model import CustomerFacts, Site
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
BOOLEANS = ("has_contract", "has_spend", "direct_sales_followup", "online_sales")
# The database's column widths: PostgreSQL refuses longer values, SQLite would not.
MAX_LENGTH = {"name": 200, "associated_partner_id": 64}


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
        return BadRow(line, "; ".join(_problems(cells)))


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
    counts): the first problem stops it. The common spellings of a country, site or flag
    are looked up in tables; any other takes the checked way."""
    if not (email or mobile):
        raise ValueError("needs an email or a mobile")
    code = _COUNTRIES[country] if country else None
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
        _SITES[site],
        _moment(registered) if registered else None,
        code,
        partner or None,
        _FLAGS[contract],
        _FLAGS[spend],
        _FLAGS[followup],
        _FLAGS[online],
    )


_FIELDS = len(HEADER)
_NAME_MAX = MAX_LENGTH["name"]
_PARTNER_MAX = MAX_LENGTH["associated_partner_id"]


class _Spellings(dict[str, Any]):
    """The usual spellings of a value and what they mean; another is parsed (and refused
    if wrong) each time, never kept, so that a hostile file cannot grow the table."""

    def __init__(self, usual: dict[str, Any], parse: Callable[[str], Any]) -> None:
        super().__init__(usual)
        self.parse = parse

    def __missing__(self, text: str) -> Any:
        return self.parse(text)


def _country_once(text: str) -> str:
    code = _country(text)
    _COUNTRIES[text] = code  # a valid code, so one of at most a few hundred spellings
    return code


_FLAGS = _Spellings({"": None, "true": True, "false": False}, lambda text: _boolean(text))
_SITES = _Spellings(
    {"": None, **{site.value: site.value for site in Site}}, lambda text: _site(text).value
)
_COUNTRIES = _Spellings({}, _country_once)


def _problems(cells: list[str]) -> list[str]:
    raw = {name: cell.strip() for name, cell in zip(HEADER, cells, strict=True)}
    problems: list[str] = []

    def take(name: str, parse: Callable[[str], Any]) -> Any:
        if not raw[name]:
            return None
        try:
            return parse(raw[name])
        except ValueError as error:
            problems.append(f'bad {name} "{cut(raw[name])}": {_why(error, raw[name])}')
            return None

    country = take("country", _country)
    take("email", normalize_email)
    take("mobile", lambda text: normalize_mobile(text, country or ""))
    take("name", _limited("name"))
    take("site", _site)
    take("registered_at", _moment)
    take("associated_partner_id", _limited("associated_partner_id"))
    for name in BOOLEANS:
        take(name, _boolean)
    if not (raw["email"] or raw["mobile"]):
        problems.append("needs an email or a mobile")
    return problems


def _why(error: ValueError, raw: str) -> str:
    """Only the why: the identity errors repeat the value ('"x" is not a valid ...: Why.')."""
    if not isinstance(error, InvalidEmail | InvalidMobile):
        return str(error)
    why = str(error).removeprefix(f'"{raw}" is ').partition(": ")[2].rstrip(".") or str(error)
    return why[:1].lower() + why[1:]


def _country(text: str) -> str:
    code = text.upper()
    if not is_country_code(code):
        raise ValueError("expected an ISO 3166-1 alpha-2 country code such as DE")
    return code


def _site(text: str) -> Site:
    try:
        return Site(text.lower())
    except ValueError:
        raise ValueError("expected intl, cn or empty") from None


def _boolean(text: str) -> bool:
    lowered = text.lower()
    if lowered not in ("true", "false"):
        raise ValueError("expected true, false or empty")
    return lowered == "true"


def _moment(text: str) -> datetime:
    """A date means its midnight UTC; a date-time without an offset is UTC."""
    try:
        return datetime.combine(date.fromisoformat(text), time(), tzinfo=UTC)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            "expected an ISO 8601 date (2026-01-31) or date-time (2026-01-31T09:30:00+00:00)"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _limited(name: str) -> Callable[[str], str]:
    def check(text: str) -> str:
        if len(text) > MAX_LENGTH[name]:
            raise ValueError(f"longer than {MAX_LENGTH[name]} characters")
        return text

    return check
