"""Parsing the directory CSV: bad rows at their line, every problem named, values normalized."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.adapters.directory_csv import DirectoryFileError, parse_directory
from bot.domain.model import CustomerFacts, Site
from tests.directory_samples import BAD_LINES, HEADER, MIXED


def facts_by_name() -> dict[str | None, CustomerFacts]:
    return {f.name: f for f in parse_directory(MIXED.read_bytes()).facts}


# --- the parser -------------------------------------------------------------------------


def test_bad_rows_are_reported_at_their_line_and_the_good_ones_kept() -> None:
    parsed = parse_directory(MIXED.read_bytes())

    assert [e.line for e in parsed.errors] == sorted(BAD_LINES)
    for error in parsed.errors:
        assert str(error).startswith(f"line {error.line}: {BAD_LINES[error.line]}")
    assert [f.name for f in parsed.facts] == [
        "Ada GmbH",
        'Bob, "the builder" Ltd',
        "Mobile Only",
        "Hal\nHalsey",
        "Jo",
    ]


def test_every_problem_of_a_row_is_named() -> None:
    (line_11,) = [e for e in parse_directory(MIXED.read_bytes()).errors if e.line == 11]

    for part in (
        'bad email "gus@@x"',
        'bad mobile "0301"',
        'bad site "mars"',
        'bad registered_at "yesterday"',
        'bad has_contract "maybe"',
    ):
        assert part in line_11.message


def test_values_are_normalized() -> None:
    facts = facts_by_name()

    assert facts["Ada GmbH"] == CustomerFacts(
        email="ada@example.com",
        mobile="+4930901820",
        name="Ada GmbH",
        site=Site.INTL,
        registered_at=datetime(2026, 1, 15, tzinfo=UTC),  # a date is its midnight UTC
        country="DE",
        has_contract=False,
        has_spend=True,
        direct_sales_followup=False,
        online_sales=False,
    )
    mobile_only = facts["Mobile Only"]
    assert mobile_only.email is None
    assert mobile_only.mobile == "+4930901820"  # national number read with the row's country
    assert mobile_only.country == "DE"
    assert mobile_only.site is Site.CN
    assert mobile_only.associated_partner_id == "P-42"
    assert (mobile_only.has_contract, mobile_only.has_spend) == (True, False)
    assert mobile_only.online_sales is None  # empty is unknown, not false
    assert mobile_only.registered_at == datetime(2025, 6, 1, 6, 30, tzinfo=UTC)


def test_date_times_without_offset_are_utc() -> None:
    facts = facts_by_name()

    assert facts["Hal\nHalsey"].registered_at == datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    jo = facts["Jo"].registered_at
    assert jo is not None and jo.utcoffset() == timedelta(0)
    assert jo == datetime(2026, 4, 1, 12, tzinfo=UTC)  # written with "Z"


def test_byte_order_mark_and_crlf_are_read_alike() -> None:
    plain = parse_directory(MIXED.read_bytes())
    text = MIXED.read_text(encoding="utf-8")
    windows = parse_directory(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())

    assert [f.email for f in windows.facts] == [f.email for f in plain.facts]
    assert [e.line for e in windows.errors] == [e.line for e in plain.errors]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the file is empty"),
        (b"email,mobile\nx@example.com,\n", "missing name, site"),
        (HEADER.replace("site", "website").encode() + b"\n", 'unexpected "website"'),
        (HEADER.replace("email,mobile", "mobile,email").encode() + b"\n", "out of order"),
    ],
)
def test_a_file_that_is_not_a_directory_csv_is_refused_whole(content: bytes, expected: str) -> None:
    with pytest.raises(DirectoryFileError) as refused:
        parse_directory(content)

    assert expected in str(refused.value)
