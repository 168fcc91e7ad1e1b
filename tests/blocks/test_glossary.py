"""The product's words, one way each."""

from __future__ import annotations

from bot.blocks import glossary
from bot.blocks.dashboard import meter
from bot.blocks.replies import quota_reached_message
from bot.domain.model import Status
from bot.domain.policy import QuotaUse


def test_every_status_has_one_name() -> None:
    assert set(glossary.STATUS) == set(Status)
    assert glossary.status_word(Status.PENDING_REVIEW) == "waiting for review"
    assert glossary.status_title("pending_review") == "Waiting for review"
    assert glossary.status_word("on_hold") == "on hold"  # not ours: still readable


def test_the_quota_reads_the_same_on_home_and_in_the_refusal() -> None:
    use = QuotaUse(37, 100, None)
    assert glossary.quota(37, 100) == "37 of 100 active"
    assert "37 of 100 active" in meter(use)
    assert "37 of 100 active" in quota_reached_message(use).text


def test_partners_and_reviewers_name_a_registration_alike() -> None:
    assert glossary.registration_ref(12) == "Registration #12"
    assert glossary.registration_ref(None) == "Registration"
