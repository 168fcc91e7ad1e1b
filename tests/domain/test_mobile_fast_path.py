"""The quick check of mobiles written in E.164 gives exactly phonenumbers' answers."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneNumberFormat, PhoneNumberType

from bot.domain import e164
from bot.domain.identity import InvalidMobile, normalize_mobile

CODES = sorted(COUNTRY_CODE_TO_REGION_CODE)
TYPES = [
    PhoneNumberType.MOBILE,
    PhoneNumberType.FIXED_LINE,
    PhoneNumberType.TOLL_FREE,
    PhoneNumberType.PREMIUM_RATE,
    PhoneNumberType.VOIP,
    PhoneNumberType.UAN,
    PhoneNumberType.PAGER,
]


def by_phonenumbers(raw: str, region: str = "DE") -> str | None:
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def ours(raw: str, region: str = "DE") -> str | None:
    try:
        return normalize_mobile(raw, region)
    except InvalidMobile:
        return None


def examples() -> list[str]:
    """phonenumbers' own example number of each type of each region, and neighbours of it
    one digit longer, shorter and changed: valid and invalid ones near every pattern."""
    found: list[str] = []
    for code in CODES:
        for region in COUNTRY_CODE_TO_REGION_CODE[code]:
            for kind in TYPES:
                if region == "001":
                    number = phonenumbers.example_number_for_non_geo_entity(code)
                else:
                    number = phonenumbers.example_number_for_type(region, kind)
                if number is None:
                    continue
                text = phonenumbers.format_number(number, PhoneNumberFormat.E164)
                last = text[-1]
                changed = str((int(last) + 1) % 10)
                found += [text, text + "7", text[:-1], text[:-1] + changed]
    return sorted(set(found))


EXAMPLES = examples()


def test_the_examples_reach_the_quick_path_for_most_codes() -> None:
    """Otherwise the comparisons below would prove little about it."""
    answered = {raw for raw in EXAMPLES if e164.check(raw) is not None}
    assert len(answered) > len(EXAMPLES) * 0.6
    assert any(e164.check(raw) is False for raw in EXAMPLES)


@pytest.mark.parametrize("chunk", range(8))
def test_every_region_s_examples_and_their_neighbours_are_judged_alike(chunk: int) -> None:
    for raw in EXAMPLES[chunk::8]:
        assert ours(raw) == by_phonenumbers(raw), raw


DIGITS = st.text("0123456789", min_size=4, max_size=14)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(CODES), DIGITS, st.sampled_from(["DE", "US", "IT", "GB", "CN"]))
@example(49, "15112345678", "DE")
@example(49, "015112345678", "DE")  # the national prefix, which phonenumbers strips
@example(39, "0612345678", "IT")  # the Italian leading zero
@example(1, "2015550123", "US")  # a code shared by many regions
@example(44, "7624123456", "GB")  # Isle of Man inside +44
def test_any_number_after_a_known_code_is_judged_alike(code: int, rest: str, region: str) -> None:
    raw = f"+{code}{rest}"
    assert ours(raw, region) == by_phonenumbers(raw, region)


@settings(max_examples=200, deadline=None)
@given(st.text("+0123456789 -()", max_size=18))
@example("+0049151123456")
@example("+999123456789")
def test_any_digits_and_signs_are_judged_alike(raw: str) -> None:
    assert ours(raw) == by_phonenumbers(raw)
