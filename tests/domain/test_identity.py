"""Identity normalization: the forms registrations are matched on."""

from __future__ import annotations

import pytest

from bot.domain.errors import DomainError
from bot.domain.identity import (
    InvalidEmail,
    InvalidMobile,
    is_country_code,
    normalize_email,
    normalize_mobile,
)


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("  John.Doe@Example.COM ", "john.doe@example.com"),
        ("\tANNA@BEISPIEL.DE\n", "anna@beispiel.de"),
        ("plain@example.com", "plain@example.com"),
        ("Ünïcode@Exämple.de", "ünïcode@exämple.de"),
    ],
)
def test_email_is_trimmed_and_lowercased(raw: str, normalized: str) -> None:
    assert normalize_email(raw) == normalized


def test_differently_written_emails_match() -> None:
    assert normalize_email("Jane@Example.com") == normalize_email(" jane@EXAMPLE.COM")


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "no-at-sign",
        "a@b@example.com",
        "@example.com",
        "a@",
        "a b@example.com",
        "a@example",
    ],
)
def test_invalid_email_is_refused(raw: str) -> None:
    with pytest.raises(InvalidEmail) as caught:
        normalize_email(raw)
    assert "is not a valid email address" in str(caught.value)
    assert caught.value.raw == raw


def test_invalid_email_is_a_domain_error_and_a_value_error() -> None:
    with pytest.raises(DomainError):
        normalize_email("nope")
    with pytest.raises(ValueError):
        normalize_email("nope")


@pytest.mark.parametrize(
    ("raw", "region", "e164"),
    [
        ("030 1234567", "DE", "+49301234567"),
        ("0171 2345678", "DE", "+491712345678"),
        ("(202) 555-0142", "US", "+12025550142"),
        ("202.555.0142", "US", "+12025550142"),
        ("0049 30 1234567", "DE", "+49301234567"),
        ("030 1234567", "de", "+49301234567"),
    ],
)
def test_national_numbers_take_the_default_region(raw: str, region: str, e164: str) -> None:
    assert normalize_mobile(raw, region) == e164


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("+44 20 7946 0958", "+442079460958"),
        ("+1 (202) 555-0142", "+12025550142"),
        ("+81 3-1234-5678", "+81312345678"),
    ],
)
def test_international_numbers_keep_their_own_country(raw: str, e164: str) -> None:
    assert normalize_mobile(raw, "DE") == e164


def test_the_same_number_in_two_writings_matches() -> None:
    assert normalize_mobile("030 1234567", "DE") == normalize_mobile("+49 30 1234567", "US")


@pytest.mark.parametrize(
    ("raw", "region"),
    [
        ("hello", "DE"),
        ("", "DE"),
        ("12", "DE"),
        ("+49 123", "DE"),  # parses, but no such number
        ("(202) 555-0142", "FR"),  # a US number read as French
        ("555-0142", "US"),  # no area code
        ("030 1234567", "ZZ"),  # no usable default region
        ("030 1234567", ""),
        ("+999 1234567", "DE"),  # no such country code
    ],
)
def test_invalid_mobile_is_refused(raw: str, region: str) -> None:
    with pytest.raises(InvalidMobile) as caught:
        normalize_mobile(raw, region)
    assert "is not a valid mobile number" in str(caught.value)
    assert caught.value.raw == raw


def test_invalid_mobile_is_a_domain_error_and_a_value_error() -> None:
    assert issubclass(InvalidMobile, DomainError)
    assert issubclass(InvalidMobile, ValueError)


@pytest.mark.parametrize("code", ["DE", "US", "CN", "GB", "AQ", "BV"])
def test_iso_country_codes_are_known(code: str) -> None:
    assert is_country_code(code)


@pytest.mark.parametrize(
    "code",
    ["", "de", "XX", "UK", "EU", "AC", "TA", "XK", "DEU", "D", "276", " DE"],
)
def test_other_codes_are_not_country_codes(code: str) -> None:
    assert not is_country_code(code)
