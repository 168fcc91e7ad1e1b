"""Preconditions: contact on file, then quota."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TypedDict

import pytest

from bot.domain.errors import NoContactOnFile, QuotaReached
from bot.domain.model import Customer, Partner, Registration, Status
from bot.domain.policy import Policy, check_preconditions, quota_use

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
POLICY = Policy(quota=3)


def registration(n: int, days_left: int, status: Status = Status.PREREGISTERED) -> Registration:
    r = Registration.preregistered(
        "acme", Customer(f"C{n}", "DE", email=f"c{n}@x.de"), NOW, timedelta(days=days_left)
    )
    r.status = status
    return r


def test_quota_counts_only_active_registrations() -> None:
    held = [
        registration(1, 5),
        registration(2, 2),
        registration(3, 1, Status.EXPIRED),
        registration(4, 1, Status.DELETED),
        registration(5, -1),  # past valid_until, not yet swept: no longer counts
    ]
    use = quota_use(held, POLICY, NOW)
    assert (use.held, use.left, use.reached) == (2, 1, False)
    assert use.next_expiry == NOW + timedelta(days=2)


def test_pending_reviews_count_but_have_no_expiry() -> None:
    pending = registration(1, 5, Status.PENDING_REVIEW)
    pending.valid_until = None
    use = quota_use([pending], POLICY, NOW)
    assert use.held == 1
    assert use.next_expiry is None


def test_no_contact_on_file_is_refused_first() -> None:
    partner = Partner("acme", "Acme", "DE")
    full = quota_use([registration(i, 5) for i in range(3)], POLICY, NOW)
    with pytest.raises(NoContactOnFile):
        check_preconditions(partner, full)


class Contact(TypedDict, total=False):
    email: str
    mobile: str


@pytest.mark.parametrize("contact", [{"email": "a@acme.de"}, {"mobile": "+4930123456"}])
def test_email_or_mobile_is_enough(contact: Contact) -> None:
    check_preconditions(Partner("acme", "Acme", "DE", **contact), quota_use([], POLICY, NOW))


def test_quota_reached_says_how_many_and_when_the_next_expires() -> None:
    partner = Partner("acme", "Acme", "DE", email="a@acme.de")
    use = quota_use([registration(i, 5 + i) for i in range(3)], POLICY, NOW)
    with pytest.raises(QuotaReached) as refused:
        check_preconditions(partner, use)
    assert (refused.value.held, refused.value.quota) == (3, 3)
    assert refused.value.next_expiry == NOW + timedelta(days=5)


def test_one_below_quota_passes() -> None:
    partner = Partner("acme", "Acme", "DE", email="a@acme.de")
    check_preconditions(partner, quota_use([registration(i, 5) for i in range(2)], POLICY, NOW))
