"""The cooldown between invitation emails to one customer (bot.domain.invite_email)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.invite_email import EMAIL_COOLDOWN, EmailJustSent, check_cooldown

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


def test_no_earlier_email_or_one_past_the_cooldown_lets_it_go() -> None:
    check_cooldown("it@kunde.de", [], NOW)
    check_cooldown("it@kunde.de", [NOW - EMAIL_COOLDOWN, NOW - timedelta(hours=3)], NOW)


@pytest.mark.parametrize("ago", [timedelta(0), SECOND, EMAIL_COOLDOWN - SECOND])
def test_an_email_within_the_cooldown_refuses_the_next(ago: timedelta) -> None:
    with pytest.raises(EmailJustSent) as refused:
        check_cooldown("it@kunde.de", [NOW - timedelta(hours=2), NOW - ago], NOW)
    assert refused.value.address == "it@kunde.de"
    assert refused.value.sent_at == NOW - ago
    assert refused.value.next_at == NOW - ago + EMAIL_COOLDOWN


def test_a_send_stamped_a_little_ahead_by_another_clock_also_counts() -> None:
    with pytest.raises(EmailJustSent):
        check_cooldown("it@kunde.de", [NOW + 2 * SECOND], NOW)
    check_cooldown("it@kunde.de", [NOW + EMAIL_COOLDOWN], NOW)
