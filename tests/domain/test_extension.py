"""Extensions: only in the first reminder's window, a limited number of times, each adding the
validity to the current end; refused with the reason otherwise."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.errors import ExtensionNotOpen, ExtensionsUsedUp, TransitionNotAllowed
from bot.domain.events import Extended
from bot.domain.model import Customer, Registration, Status
from bot.domain.policy import Policy

DAY = timedelta(days=1)
START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
POLICY = Policy(validity=15 * DAY, reminders=(3 * DAY, DAY), extensions=1)


def held() -> Registration:
    customer = Customer("Kunde GmbH", "DE", email="einkauf@kunde.example")
    registration = Registration.preregistered("acme", customer, START, POLICY.validity)
    registration.events.clear()
    return registration


def test_an_extension_adds_the_validity_to_the_current_end_inside_the_window() -> None:
    registration = held()
    end = START + 15 * DAY
    registration.extend(end - 3 * DAY, POLICY)
    assert registration.valid_until == end + 15 * DAY
    assert registration.extensions == 1
    assert registration.events == [Extended(end - 3 * DAY, end + 15 * DAY)]


def test_before_the_first_reminders_window_it_is_too_early() -> None:
    registration = held()
    end = START + 15 * DAY
    with pytest.raises(ExtensionNotOpen) as refused:
        registration.extend(end - 3 * DAY - timedelta(microseconds=1), POLICY)
    assert refused.value.opens_at == end - 3 * DAY
    assert registration.valid_until == end and registration.extensions == 0
    assert not registration.can_extend(end - 4 * DAY, POLICY)
    assert registration.can_extend(end - DAY, POLICY)


def test_the_limit_holds_and_zero_means_never() -> None:
    registration = held()
    end = START + 15 * DAY
    registration.extend(end - DAY, POLICY)
    with pytest.raises(ExtensionsUsedUp) as refused:
        registration.extend(end + 15 * DAY - DAY, POLICY)
    assert refused.value.limit == 1
    with pytest.raises(ExtensionsUsedUp):
        held().extend(end - DAY, Policy(extensions=0))


def test_two_extensions_allowed_are_two_windows_apart() -> None:
    policy = Policy(validity=15 * DAY, reminders=(3 * DAY,), extensions=2)
    registration = held()
    end = START + 15 * DAY
    registration.extend(end - DAY, policy)
    with pytest.raises(ExtensionNotOpen):  # the new end is 15 days away: not yet
        registration.extend(end - DAY, policy)
    registration.extend(end + 14 * DAY, policy)
    assert registration.valid_until == end + 30 * DAY


def test_without_reminders_there_is_no_window_to_extend_in() -> None:
    with pytest.raises(ExtensionNotOpen):
        held().extend(START + 15 * DAY - DAY, Policy(reminders=()))


@pytest.mark.parametrize(
    ("status", "seen"),
    [(Status.DELETED, "deleted"), (Status.ASSOCIATED, "associated"), (Status.EXPIRED, "expired")],
)
def test_what_has_ended_is_not_extended_and_says_what_it_is(status: Status, seen: str) -> None:
    registration = held()
    registration.status = status
    with pytest.raises(TransitionNotAllowed) as refused:
        registration.extend(START + 14 * DAY, POLICY)
    assert refused.value.status == seen


def test_past_its_end_not_yet_swept_it_is_expired() -> None:
    registration = held()
    with pytest.raises(TransitionNotAllowed) as refused:
        registration.extend(START + 15 * DAY, POLICY)
    assert refused.value.status == "expired"
