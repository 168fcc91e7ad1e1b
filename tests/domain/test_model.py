"""Statuses and transitions: what is allowed, what is refused by name."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.errors import EmailMismatch, TransitionNotAllowed
from bot.domain.model import Customer, Reason, ReasonCode, Registration, Status

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
VALIDITY = timedelta(days=15)
CUSTOMER = Customer("Kunde", "DE", email="it@kunde.de")


def pending() -> Registration:
    return Registration.pending_review(
        "acme",
        CUSTOMER,
        (Reason(ReasonCode.ONLINE_SALES),),
        "We met them at a fair.",
        NOW,
        NOW + timedelta(days=2),
    )


def prereg(valid_for: timedelta = VALIDITY) -> Registration:
    return Registration.preregistered("acme", CUSTOMER, NOW, valid_for)


def in_status(status: Status) -> Registration:
    registration = prereg()
    registration.status = status
    return registration


def test_customer_needs_email_or_mobile() -> None:
    with pytest.raises(ValueError):
        Customer("Nobody", "DE")
    assert Customer("Phone only", "DE", mobile="+4930123456").mobile


def test_preregistered_is_valid_for_the_validity_from_now() -> None:
    registration = prereg()
    assert registration.status is Status.PREREGISTERED
    assert registration.valid_until == NOW + VALIDITY
    assert registration.is_active(NOW + VALIDITY - timedelta(seconds=1))
    assert not registration.is_active(NOW + VALIDITY)


def test_pending_review_is_active_without_end() -> None:
    registration = pending()
    assert registration.is_active(NOW + timedelta(days=365))
    assert registration.valid_until is None


def test_approve_starts_validity_at_the_decision() -> None:
    registration = pending()
    decided_at = NOW + timedelta(days=1)
    registration.approve("UREVIEW", decided_at, VALIDITY)
    assert registration.status is Status.PREREGISTERED
    assert registration.valid_until == decided_at + VALIDITY
    assert (registration.decided_by, registration.decided_at) == ("UREVIEW", decided_at)


def test_reject_keeps_the_reason() -> None:
    registration = pending()
    registration.reject("UREVIEW", "Direct sales owns it", NOW)
    assert registration.status is Status.REJECTED
    assert registration.decision_note == "Direct sales owns it"
    assert not registration.is_active(NOW)


@pytest.mark.parametrize("status", [s for s in Status if s is not Status.PENDING_REVIEW])
def test_only_pending_review_can_be_decided(status: Status) -> None:
    with pytest.raises(TransitionNotAllowed):
        in_status(status).approve("U", NOW, VALIDITY)
    with pytest.raises(TransitionNotAllowed):
        in_status(status).reject("U", "no", NOW)


def test_second_decision_is_refused() -> None:
    registration = pending()
    registration.approve("U1", NOW, VALIDITY)
    with pytest.raises(TransitionNotAllowed):
        registration.reject("U2", "late", NOW)
    assert registration.decided_by == "U1"


@pytest.mark.parametrize("status", [Status.PREREGISTERED, Status.EXPIRED, Status.REJECTED])
def test_delete_allowed(status: Status) -> None:
    registration = in_status(status)
    registration.delete(NOW)
    assert registration.status is Status.DELETED
    assert not registration.is_active(NOW)


@pytest.mark.parametrize("status", [Status.PENDING_REVIEW, Status.ASSOCIATED, Status.DELETED])
def test_delete_refused(status: Status) -> None:
    registration = in_status(status)
    with pytest.raises(TransitionNotAllowed) as refused:
        registration.delete(NOW)
    assert registration.status is status
    assert refused.value.status == status


def test_expire_only_at_or_after_valid_until() -> None:
    registration = prereg()
    with pytest.raises(TransitionNotAllowed):
        registration.expire(NOW + VALIDITY - timedelta(microseconds=1))
    registration.expire(NOW + VALIDITY)
    assert registration.status is Status.EXPIRED


@pytest.mark.parametrize("status", [Status.PENDING_REVIEW, Status.REJECTED, Status.ASSOCIATED])
def test_expire_refused_for_other_statuses(status: Status) -> None:
    with pytest.raises(TransitionNotAllowed):
        in_status(status).expire(NOW + timedelta(days=100))


def test_associate_with_the_preregistered_email() -> None:
    registration = prereg()
    registration.associate("it@kunde.de", NOW + timedelta(days=1))
    assert registration.status is Status.ASSOCIATED
    assert registration.allows_opportunity(NOW + timedelta(days=100))


def test_associate_with_another_email_is_refused() -> None:
    registration = prereg()
    with pytest.raises(EmailMismatch):
        registration.associate("someone@else.de", NOW)
    assert registration.status is Status.PREREGISTERED


def test_associate_after_valid_until_is_refused_as_expired() -> None:
    registration = prereg()
    with pytest.raises(TransitionNotAllowed) as refused:
        registration.associate("it@kunde.de", NOW + VALIDITY)
    assert refused.value.status == Status.EXPIRED


@pytest.mark.parametrize("status", [Status.PENDING_REVIEW, Status.DELETED, Status.REJECTED])
def test_associate_refused_unless_preregistered(status: Status) -> None:
    with pytest.raises(TransitionNotAllowed):
        in_status(status).associate("it@kunde.de", NOW)


def test_opportunity_only_for_valid_preregistered_or_associated() -> None:
    assert prereg().allows_opportunity(NOW)
    assert not prereg().allows_opportunity(NOW + VALIDITY)
    assert in_status(Status.ASSOCIATED).allows_opportunity(NOW)
    for status in (Status.PENDING_REVIEW, Status.REJECTED, Status.EXPIRED, Status.DELETED):
        assert not in_status(status).allows_opportunity(NOW)
