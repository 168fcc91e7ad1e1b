"""The outbox renderers of review messages: one per kind, each from the subject's current state."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.blocks.notifications import RENDERERS, render
from bot.blocks.review import review_card
from bot.domain.model import Status
from bot.services.ports import Kind
from bot.services.subjects import Subject
from tests.blocks.review_helpers import (
    DECIDED,
    EVIL,
    REVIEWER,
    VALID_UNTIL,
    actions,
    approved,
    assert_inert,
    assert_valid,
    everything,
    hostile_registration,
    long_registration,
    partner,
    pending,
    rejected,
)


def test_every_kind_has_a_renderer() -> None:
    # The QR code (a file upload) and the invitation email have senders of their own;
    # refreshes render what they refresh: App Home, or the messages already sent.
    others = {Kind.INVITE_QR, Kind.INVITE_EMAIL, Kind.HOME_REFRESH, Kind.MESSAGES_REFRESH}
    assert set(RENDERERS) == set(Kind) - others


@pytest.mark.parametrize("kind", [Kind.REVIEW_REQUEST, Kind.REVIEW_DECIDED])
def test_render_review_kinds_is_the_card_in_its_current_state(kind: Kind) -> None:
    waiting = render(kind, Subject(pending(), partner()))
    assert waiting == review_card(pending(), partner())
    assert len(actions(waiting)) == 1

    late = render(kind, Subject(approved(), partner()))  # posted after the decision
    assert actions(late) == []
    assert f"✅ Approved by <@{REVIEWER}>" in everything(late)


def test_render_decision_approved() -> None:
    message = render(Kind.DECISION, Subject(approved(), partner()))

    assert_valid(message)
    # Says approved and by whom; the fallback reads as plain words (the date as its UTC text).
    headline = (
        "✅ Approved by a reviewer: Globex GmbH is pre-registered for your company"
        f" (Acme Cloud Partners) until {VALID_UNTIL.strftime('%Y-%m-%d %H:%M UTC')}"
    )
    assert message.text == headline
    assert f"Approved by <@{REVIEWER}>: *Globex GmbH*" in message.blocks[0]["text"]["text"]
    shown = everything(message)
    assert "Next steps" in shown and "Invite" in shown and "opportunity" in shown
    assert "Answer by" not in shown and "Rejected" not in shown


def test_render_decision_rejected_with_the_reason() -> None:
    message = render(Kind.DECISION, Subject(rejected(), partner()))

    assert_valid(message)
    assert message.text == "❌ The review request for Globex GmbH was rejected"  # plain words
    shown = everything(message)
    assert "Direct sales owns this account." in shown
    assert "What you can do" in shown


def test_render_decision_is_inert_and_within_limits() -> None:
    hostile = replace(
        hostile_registration(),
        status=Status.REJECTED,
        decided_by=REVIEWER,
        decided_at=DECIDED,
        decision_note=EVIL + "<" * 2000,
    )
    for registration in (hostile, replace(approved(), customer=hostile.customer)):
        message = render(Kind.DECISION, Subject(registration, partner(name=EVIL)))
        assert_valid(message)
        assert_inert(message)
    long = replace(
        long_registration(),
        status=Status.REJECTED,
        decided_by=REVIEWER,
        decided_at=DECIDED,
        decision_note="r" * 2000,
    )
    message = render(Kind.DECISION, Subject(long, None))
    assert_valid(message)
    assert "r" * 2000 in everything(message)


@pytest.mark.parametrize(
    ("kind", "subject", "match"),
    [
        (Kind.REVIEW_REQUEST, Subject(None, partner()), "registration"),
        (Kind.REVIEW_DECIDED, Subject(pending(), None), "partner"),
        (Kind.DECISION, Subject(), "registration"),
        (Kind.DECISION, Subject(pending(), partner()), "not been decided"),
    ],
)
def test_render_refuses_a_subject_without_what_the_kind_needs(
    kind: Kind, subject: Subject, match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        render(kind, subject)
