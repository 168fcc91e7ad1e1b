"""The cloud directory's CSV export → CustomerFacts, or a reason per bad row.

The file is refused as a whole only when it cannot be read as this format at all
(not UTF-8, wrong header); otherwise every row stands on its own, so that one bad
row never holds back the good ones.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from bot.adapters.repositories.directory import directory_key
from bot.domain.identity import (
    InvalidEmail,
    InvalidMobile,
    is_country_code,
    normalize_email,
    normalize_mobile,
)
from bot.domain.model import CustomerFacts, Site

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


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class ParsedDirectory:
    facts: list[CustomerFacts] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def parse_directory(data: bytes) -> ParsedDirectory:
    """Every row parsed. A row repeating an earlier row's account is refused: loading both,
    the later one would win now and lose on every re-import, which must change nothing."""
    parsed = ParsedDirectory()
    first_line_of: dict[str, int] = {}
    for line, cells in _records(_decode(data)):
        result = parse_row(line, cells)
        if isinstance(result, RowError):
            parsed.errors.append(result)
            continue
        key = directory_key(result)
        if key in first_line_of:
            what = "email" if result.email else "mobile"
            message = f"same account ({what}) as line {first_line_of[key]}"
            parsed.errors.append(RowError(line, message))
            continue
        first_line_of[key] = line
        parsed.facts.append(result)
    return parsed


def _decode(data: bytes) -> str:
    # utf-8-sig drops the byte-order mark spreadsheets put in front of "UTF-8 CSV".
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise DirectoryFileError(f"line {line}: the file is not UTF-8 text") from None


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(line the record starts on, cells) after checking the header; blank lines skipped."""
    # newline="" as the csv module asks: a quoted field may hold a line break.
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    _check_header(header)
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise DirectoryFileError(f"line {start}: {error}") from None
        if any(cell.strip() for cell in cells):
            yield start, cells


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
        details.append("unexpected " + ", ".join(f'"{name}"' for name in unexpected))
    if not details:
        details.append("columns out of order")
    raise DirectoryFileError(f"line 1: the header must be {expected} ({'; '.join(details)})")


def parse_row(line: int, cells: list[str]) -> CustomerFacts | RowError:
    """One record; every problem in it is reported, not only the first."""
    if len(cells) != len(HEADER):
        return RowError(line, f"expected {len(HEADER)} fields, found {len(cells)}")
    raw = {name: cell.strip() for name, cell in zip(HEADER, cells, strict=True)}
    problems: list[str] = []

    def take(name: str, parse: Callable[[str], Any]) -> Any:
        if not raw[name]:
            return None
        try:
            return parse(raw[name])
        except ValueError as error:
            problems.append(f'bad {name} "{raw[name]}": {_why(error, raw[name])}')
            return None

    country = take("country", _country)
    values = {
        "email": take("email", normalize_email),
        "mobile": take("mobile", lambda text: normalize_mobile(text, country or "")),
        "name": take("name", _limited("name")),
        "site": take("site", _site),
        "registered_at": take("registered_at", _moment),
        "country": country,
        "associated_partner_id": take("associated_partner_id", _limited("associated_partner_id")),
        **{name: take(name, _boolean) for name in BOOLEANS},
    }
    if not (raw["email"] or raw["mobile"]):
        problems.append("needs an email or a mobile")
    if problems:
        return RowError(line, "; ".join(problems))
    return CustomerFacts(**values)


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
