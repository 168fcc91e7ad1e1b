"""Every ISO 3166-1 country as Slack select options: values alpha-2, grouped by first letter."""

from __future__ import annotations

import unicodedata
from functools import cache
from itertools import groupby
from typing import Any

import pycountry

from bot.blocks import limits

Option = dict[str, Any]

OPTION_TEXT_LIMIT = limits.BUTTON_TEXT
GROUP_SIZE_LIMIT = limits.OPTIONS  # options in one group (and groups in one select)


@cache
def _names() -> dict[str, str]:
    """alpha-2 code → the name people use ("Bolivia", not "Bolivia, Plurinational State of")."""
    return {
        country.alpha_2: getattr(country, "common_name", None) or country.name
        for country in pycountry.countries
    }


def _folded(name: str) -> str:
    """Sort and group key without accents, so "Åland Islands" sits under A."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@cache
def _groups() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(label, codes) in alphabetical order, at most GROUP_SIZE_LIMIT codes each."""
    names = _names()
    ordered = sorted(names, key=lambda code: _folded(names[code]))
    groups: list[tuple[str, tuple[str, ...]]] = []
    for letter, codes in groupby(ordered, key=lambda code: _folded(names[code])[:1].upper()):
        chunk = tuple(codes)
        parts = [chunk[i : i + GROUP_SIZE_LIMIT] for i in range(0, len(chunk), GROUP_SIZE_LIMIT)]
        for n, part in enumerate(parts, start=1):
            groups.append((letter if len(parts) == 1 else f"{letter} ({n})", part))
    return tuple(groups)


def country_codes() -> tuple[str, ...]:
    """Every ISO 3166-1 alpha-2 code, in the order the select shows them."""
    return tuple(code for _, codes in _groups() for code in codes)


def is_country(code: str) -> bool:
    return code.upper() in _names()


def country_name(code: str) -> str:
    """The country's common name; an unknown code is shown as it is."""
    return _names().get(code.upper(), code)


def country_option(code: str) -> Option | None:
    """The select option for `code`, or None when it is not an ISO 3166-1 country."""
    code = code.upper()
    if code not in _names():
        return None
    name = _names()[code]
    if len(name) > OPTION_TEXT_LIMIT:
        name = name[: OPTION_TEXT_LIMIT - 1] + "…"
    return {"text": {"type": "plain_text", "text": name, "emoji": False}, "value": code}


def country_option_groups() -> list[dict[str, Any]]:
    """`option_groups` for a static_select: fresh dicts on every call, safe to change."""
    return [
        {
            "label": {"type": "plain_text", "text": label, "emoji": False},
            "options": [option for code in codes if (option := country_option(code))],
        }
        for label, codes in _groups()
    ]
