"""The cells of a directory CSV row: the quick answers for the usual spellings, and the
checked parsers that name what is wrong with any other.

A million rows pass through here, so the usual spellings of a country, site, flag or
date are table lookups (another spelling is parsed each time, and kept only while the
table is small: a hostile file cannot grow it). Addresses and mobiles are the domain's
(bot.domain.identity), whose fast paths serve the canonical forms.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any

from bot.adapters.csv_records import cut
from bot.domain.identity import (
    InvalidEmail,
    InvalidMobile,
    is_country_code,
    normalize_email,
    normalize_mobile,
)
from bot.domain.model import Site

BOOLEANS = ("has_contract", "has_spend", "direct_sales_followup", "online_sales")
# The database's column widths: PostgreSQL refuses longer values, SQLite would not.
MAX_LENGTH = {"name": 200, "associated_partner_id": 64}
KEPT = 4096  # spellings (dates, say) a table keeps beyond its usual ones


class Spellings(dict[str, Any]):
    """The usual spellings of a value and what they mean; another is parsed (and refused
    if wrong) each time, and kept only while the table holds fewer than KEPT."""

    def __init__(self, usual: dict[str, Any], parse: Callable[[str], Any]) -> None:
        super().__init__(usual)
        self.parse = parse

    def __missing__(self, text: str) -> Any:
        value = self.parse(text)
        if len(self) < KEPT:
            self[text] = value
        return value


def country(text: str) -> str:
    code = text.upper()
    if not is_country_code(code):
        raise ValueError("expected an ISO 3166-1 alpha-2 country code such as DE")
    return code


def site(text: str) -> Site:
    try:
        return Site(text.lower())
    except ValueError:
        raise ValueError("expected intl, cn or empty") from None


def boolean(text: str) -> bool:
    lowered = text.lower()
    if lowered not in ("true", "false"):
        raise ValueError("expected true, false or empty")
    return lowered == "true"


def moment(text: str) -> datetime:
    """A date means its midnight UTC; a date-time without an offset is UTC."""
    try:
        return datetime.combine(date.fromisoformat(text), time(), tzinfo=UTC)
    except ValueError:
        pass
    try:
        found = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            "expected an ISO 8601 date (2026-01-31) or date-time (2026-01-31T09:30:00+00:00)"
        ) from None
    return found.replace(tzinfo=UTC) if found.tzinfo is None else found


FLAGS = Spellings({"": None, "true": True, "false": False}, boolean)
SITES = Spellings({"": None, **{s.value: s.value for s in Site}}, lambda text: site(text).value)
COUNTRIES = Spellings({}, country)
MOMENTS = Spellings({}, moment)  # datetimes are immutable: rows may share one


def problems(header: tuple[str, ...], cells: list[str]) -> list[str]:
    """Every problem of a row, named: the thorough pass, run only for a bad row."""
    raw = {name: cell.strip() for name, cell in zip(header, cells, strict=True)}
    found: list[str] = []

    def take(name: str, parse: Callable[[str], Any]) -> Any:
        if not raw[name]:
            return None
        try:
            return parse(raw[name])
        except ValueError as error:
            found.append(f'bad {name} "{cut(raw[name])}": {_why(error, raw[name])}')
            return None

    code = take("country", country)
    take("email", normalize_email)
    take("mobile", lambda text: normalize_mobile(text, code or ""))
    take("name", _limited("name"))
    take("site", site)
    take("registered_at", moment)
    take("associated_partner_id", _limited("associated_partner_id"))
    for name in BOOLEANS:
        take(name, boolean)
    if not (raw["email"] or raw["mobile"]):
        found.append("needs an email or a mobile")
    return found


def _why(error: ValueError, raw: str) -> str:
    """Only the why: the identity errors repeat the value ('"x" is not a valid ...: Why.')."""
    if not isinstance(error, InvalidEmail | InvalidMobile):
        return str(error)
    why = str(error).removeprefix(f'"{raw}" is ').partition(": ")[2].rstrip(".") or str(error)
    return why[:1].lower() + why[1:]


def _limited(name: str) -> Callable[[str], str]:
    def check(text: str) -> str:
        if len(text) > MAX_LENGTH[name]:
            raise ValueError(f"longer than {MAX_LENGTH[name]} characters")
        return text

    return check
