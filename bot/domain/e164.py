"""The common case of a mobile already written in E.164 (`+4915112345678`), answered
from phonenumbers' own metadata without its general parser.

phonenumbers.parse spends most of its time on what such a value cannot hold (letters,
punctuation, extensions, non-ASCII digits, an IDD prefix); a directory import reads a
million. For `+` and ASCII digits only, parse is: the country code is the shortest
known one among the first three digits, the rest is the national significant number
unless the region's national prefix could be stripped from it. Wherever that last step
or a leading zero (the Italian case) could change the number, or the value has any
other form, `check` answers None and the caller asks phonenumbers. Validity is the same
test as phonenumbers.is_valid_number (the region's general description, then any
number type: possible lengths, then the full pattern), over the same patterns compiled
once. A property test holds this to phonenumbers' answers for every country code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # loaded with the first number checked (_plan)
    from phonenumbers.phonemetadata import PhoneMetadata

_CANONICAL = re.compile(r"\+[1-9][0-9]{5,14}")
_NON_GEO = "001"
# Any order answers whether some type matches; the likeliest first.
_TYPES = (
    "mobile",
    "fixed_line",
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
)


@dataclass(frozen=True)
class _Desc:
    lengths: frozenset[int]  # empty: any
    pattern: re.Pattern[str]

    def matches(self, nsn: str) -> bool:
        return (not self.lengths or len(nsn) in self.lengths) and bool(self.pattern.fullmatch(nsn))


@dataclass(frozen=True)
class _Region:
    general: _Desc | None
    types: tuple[_Desc, ...]
    leading_digits: re.Pattern[str] | None

    def valid(self, nsn: str) -> bool:
        """phonenumbers' number type is not UNKNOWN."""
        if self.general is None or not self.general.matches(nsn):
            return False
        return any(desc.matches(nsn) for desc in self.types)


@dataclass(frozen=True)
class _Plan:
    regions: tuple[_Region, ...]
    national_prefix: re.Pattern[str] | None


def check(raw: str) -> bool | None:
    """True: `raw` is a valid number in E.164 form, exactly as phonenumbers formats it;
    False: phonenumbers reads it and finds no such number; None: not this path's case."""
    if not _CANONICAL.fullmatch(raw):
        return None
    digits = raw[1:]
    for size in (1, 2, 3):
        plan = _plan(int(digits[:size]))
        if plan is not None:
            break
    else:
        return None  # phonenumbers refuses the country code; its words say why
    nsn = digits[size:]
    if nsn[0] == "0" or (plan.national_prefix is not None and plan.national_prefix.match(nsn)):
        return None
    regions = plan.regions
    if len(regions) == 1:
        return regions[0].valid(nsn)
    for region in regions:  # phonenumbers' choice of region among those sharing the code
        if region.leading_digits is not None:
            if region.leading_digits.match(nsn):
                return region.valid(nsn)
        elif region.valid(nsn):
            return True
    return False


@cache
def _plan(country_code: int) -> _Plan | None:
    from phonenumbers import COUNTRY_CODE_TO_REGION_CODE

    codes = COUNTRY_CODE_TO_REGION_CODE.get(country_code)
    if not codes:
        return None
    regions = []
    for code in codes:
        metadata = _metadata(country_code, code)
        if metadata is None:
            return None  # phonenumbers would skip it; leave such a code to phonenumbers
        regions.append(_region(metadata))
    main = _metadata(country_code, codes[0])
    assert main is not None
    prefix = main.national_prefix_for_parsing
    return _Plan(tuple(regions), re.compile(prefix) if prefix else None)


def _metadata(country_code: int, region: str) -> PhoneMetadata | None:
    from phonenumbers.phonemetadata import PhoneMetadata

    if region == _NON_GEO:
        return PhoneMetadata.metadata_for_nongeo_region(country_code, None)
    return PhoneMetadata.metadata_for_region(region, None)


def _region(metadata: PhoneMetadata) -> _Region:
    # With one pattern for both, phonenumbers never asks the mobile one on its own.
    names = _TYPES[1:] if metadata.same_mobile_and_fixed_line_pattern else _TYPES
    types = (_desc(getattr(metadata, name)) for name in names)
    leading = metadata.leading_digits
    return _Region(
        general=_desc(metadata.general_desc),
        types=tuple(desc for desc in types if desc is not None),
        leading_digits=re.compile(leading) if leading is not None else None,
    )


def _desc(desc: object) -> _Desc | None:
    pattern = getattr(desc, "national_number_pattern", None)
    if desc is None or not pattern:
        return None
    lengths = getattr(desc, "possible_length", ()) or ()
    return _Desc(frozenset(lengths), re.compile(pattern))
