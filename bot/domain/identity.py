"""Customer identity: the normalized forms that registrations are matched on.

Two registrations conflict when their normalized email or E.164 mobile match,
so every email and mobile goes through here before it is stored or compared.
"""

from __future__ import annotations

import re
from functools import cache

from bot.domain import e164
from bot.domain.errors import DomainError


class InvalidEmail(DomainError, ValueError):
    def __init__(self, raw: str, why: str) -> None:
        super().__init__(f'"{raw.strip()}" is not a valid email address: {why}')
        self.raw = raw


class InvalidMobile(DomainError, ValueError):
    def __init__(self, raw: str, why: str) -> None:
        super().__init__(f'"{raw.strip()}" is not a valid mobile number: {why}')
        self.raw = raw


# Plain ASCII addresses, the vast majority, in a form email_validator accepts unchanged:
# checking them here is 20 times faster (a directory import reads a million). Anything
# else (quotes, non-ASCII, special-use domains, odd hyphens) goes to the validator; a
# property test holds the two to the same answers.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?!-)){0,61}(?<!-)"
_PLAIN = re.compile(rf"(?=.{{1,64}}@)({_ATOM}(?:\.{_ATOM})*)@((?:{_LABEL}\.)+[A-Za-z]{{2,63}})")
# Commonest of all, a directory's own form: lower-case, the commonest characters, a domain
# of letters and digits. Returned as it is, without the plain form's lowering and checks.
_CANONICAL = re.compile(r"[a-z0-9_+-]+(?:\.[a-z0-9_+-]+)*@(?:[a-z0-9]{1,63}\.)+[a-z]{2,63}")
# email_validator, phonenumbers and pycountry are imported when first asked: a command
# that checks no address (most of them) starts without loading them.


@cache
def _special_use_names() -> frozenset[str]:
    from email_validator import SPECIAL_USE_DOMAIN_NAMES

    return frozenset(SPECIAL_USE_DOMAIN_NAMES)  # single labels: arpa, local, test, …


def normalize_email(raw: str) -> str:
    """Trimmed and lowercased entirely (the local part too), syntax checked only."""
    text = raw.strip()
    if (
        _CANONICAL.fullmatch(text)
        and len(text) <= 254
        and text.index("@") <= 64
        and not _special_use(text)
    ):
        return text
    plain = _PLAIN.fullmatch(text)
    if plain and len(text) <= 254 and len(plain[2]) <= 253 and not _special_use(plain[2]):
        return text.lower()
    from email_validator import EmailNotValidError, validate_email

    try:
        checked = validate_email(text, check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidEmail(raw, str(error)) from None
    return checked.normalized.lower()


def _special_use(domain: str) -> bool:
    return domain.rpartition(".")[2].lower() in _special_use_names()


def normalize_mobile(raw: str, default_region: str) -> str:
    """E.164 form; `default_region` (alpha-2) applies only to numbers without `+`."""
    known = e164.check(raw)
    if known is not None:
        if not known:
            raise InvalidMobile(raw, "no such number exists in that country")
        return raw
    import phonenumbers

    try:
        number = phonenumbers.parse(raw, default_region.upper())
    except phonenumbers.NumberParseException as error:
        if error.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
            why = "its country code is missing or unknown"
        else:
            why = "it could not be read as a phone number"
        raise InvalidMobile(raw, why) from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidMobile(raw, "no such number exists in that country")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_country_code(code: str) -> bool:
    """An ISO 3166-1 alpha-2 code, upper case as the modal's option values are.

    pycountry rather than phonenumbers' regions: those add non-ISO codes
    (AC, TA, XK) and lack territories without a telephone plan (AQ, BV).
    """
    return code in _alpha_2_codes()


@cache
def _alpha_2_codes() -> frozenset[str]:
    import pycountry

    return frozenset(country.alpha_2 for country in pycountry.countries)
