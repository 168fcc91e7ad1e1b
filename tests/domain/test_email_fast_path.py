"""The quick check of plain addresses gives exactly email_validator's answers."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.domain.identity import InvalidEmail, normalize_email


def by_the_validator(raw: str) -> str | None:
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


def ours(raw: str) -> str | None:
    try:
        return normalize_email(raw)
    except InvalidEmail:
        return None


ATOM = st.text("abcXYZ019!#$%&'*+/=?^_`{|}~-", min_size=1, max_size=8)
LABEL = st.text("abz09-", min_size=1, max_size=8)
TLD = st.sampled_from(["com", "de", "test", "local", "arpa", "x", "c0m", "Museum", "onion"])
PLAINISH = st.builds(
    lambda local, labels, tld, pad: f"{pad}{'.'.join(local)}@{'.'.join([*labels, tld])}{pad}",
    st.lists(ATOM, min_size=1, max_size=4),
    st.lists(LABEL, min_size=1, max_size=3),
    TLD,
    st.sampled_from(["", " "]),
)


@settings(max_examples=150, deadline=None)
@given(PLAINISH)
@example("Ada.Lovelace@Example.COM")
@example("a@x--y.com")
@example("a@b.local")
@example("a" * 65 + "@example.com")
@example("a@" + "b" * 64 + ".com")
def test_plain_addresses_are_judged_as_the_validator_judges_them(raw: str) -> None:
    assert ours(raw) == by_the_validator(raw)


@given(st.text(max_size=40))
def test_any_text_is_judged_as_the_validator_judges_it(raw: str) -> None:
    assert ours(raw) == by_the_validator(raw)
