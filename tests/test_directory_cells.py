"""The directory import's quick answers for the usual cells give exactly the checked
answers: an address in canonical form is the validator's (normalize_email's fast path),
a kept spelling is what parsing it again gives, and no file grows the tables past their
bound."""

from __future__ import annotations

from datetime import UTC, datetime

from email_validator import EmailNotValidError, validate_email
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.adapters.directory_cells import KEPT, Spellings, moment
from bot.domain.identity import InvalidEmail, normalize_email


def judged(check: object, raw: str) -> str | None:
    try:
        return check(raw)  # type: ignore[operator, no-any-return]
    except (InvalidEmail, EmailNotValidError):
        return None


def by_the_validator(raw: str) -> str | None:
    try:
        return validate_email(raw, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


ATOM = st.text("az09_+-.A!", min_size=1, max_size=70)
LABEL = st.text("az09-Z", min_size=1, max_size=66)
TLD = st.sampled_from(["com", "de", "test", "local", "arpa", "invalid", "onion", "x", "c0m", "Org"])
CANONICALISH = st.builds(
    lambda local, labels, tld: f"{local}@{'.'.join([*labels, tld])}",
    ATOM,
    st.lists(LABEL, min_size=1, max_size=4),
    TLD,
)


@settings(max_examples=400, deadline=None)
@given(CANONICALISH)
@example("account1@customer1.example")
@example("a" * 64 + "@example.com")
@example("a" * 65 + "@example.com")
@example("a@" + "b" * 63 + ".com")
@example("a@" + "b" * 64 + ".com")
@example("a@" + ".".join(["b" * 63] * 3) + "." + "c" * 61)
@example("a..b@example.com")
@example(".a@example.com")
@example("a.@example.com")
@example("a@b.local")
def test_a_canonical_address_is_judged_as_the_validator_judges_it(raw: str) -> None:
    assert judged(normalize_email, raw) == by_the_validator(raw)


@given(st.text(max_size=40).map(str.strip))
def test_any_trimmed_text_is_judged_as_the_validator_judges_it(raw: str) -> None:
    assert judged(normalize_email, raw) == by_the_validator(raw)


def test_a_table_keeps_what_parsing_gives_and_no_more_than_its_bound() -> None:
    moments = Spellings({}, moment)

    assert moments["2026-01-31"] == datetime(2026, 1, 31, tzinfo=UTC)
    assert moments["2026-01-31T09:30:00+02:00"] == moment("2026-01-31T09:30:00+02:00")
    for n in range(KEPT + 100):
        moments[f"2026-01-01T00:00:{n % 60:02d}.{n:06d}"]
    assert len(moments) == KEPT
