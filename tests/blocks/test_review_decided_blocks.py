"""The card once decided, and that nothing typed on the card becomes a mention."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.blocks.review import review_card
from bot.blocks.text import REVIEWER_WORDS, escape_clip, slack_date, user_ref
from bot.domain.model import Partner, ReasonCode, Registration, Status
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
    partner,
    pending,
    rejected,
)


def test_approved_card_has_no_buttons_and_says_who_when_until() -> None:
    card = review_card(approved(), partner())

    assert_valid(card)
    assert actions(card) == []
    line = (
        f"✅ Approved by <@{REVIEWER}> {slack_date(DECIDED)} — valid until "
        f"{slack_date(VALID_UNTIL)}"
    )
    assert line in everything(card)
    assert card.text.startswith("✅ Approved")
    assert "Answer by" not in everything(card)
    assert REVIEWER_WORDS[ReasonCode.COUNTRY_MISMATCH] in everything(card)  # same information


def test_rejected_card_has_no_buttons_and_shows_the_escaped_reason() -> None:
    card = review_card(rejected(reason="Owned by <direct> sales & co"), partner())

    assert_valid(card)
    assert actions(card) == []
    reason = "Owned by &lt;direct&gt; sales &amp; co"
    line = f"❌ Rejected by <@{REVIEWER}> {slack_date(DECIDED)}: {reason}"
    assert line in everything(card)
    assert card.text.startswith("❌ Rejected")


def test_rejected_card_with_a_long_reason_is_valid() -> None:
    card = review_card(rejected(reason="<" * 2000), long_registration_partner())
    assert_valid(card)


def long_registration_partner() -> Partner:
    return partner(name="P" * 300)


@pytest.mark.parametrize(
    ("registration", "status_line", "decision"),
    [
        (approved(status=Status.EXPIRED), "⌛ The pre-registration has expired.", "✅ Approved"),
        (approved(status=Status.ASSOCIATED), "🤝 The customer has associated", "✅ Approved"),
        (rejected(status=Status.DELETED), "🗑️ The partner has deleted", "❌ Rejected"),
        (pending(status=Status.DELETED), "🗑️ The partner has deleted", None),
        (pending(status=Status.EXPIRED), "⌛ The pre-registration has expired.", None),
    ],
)
def test_later_states_show_a_status_line_and_no_buttons(
    registration: Registration, status_line: str, decision: str | None
) -> None:
    card = review_card(registration, partner())

    assert_valid(card)
    assert actions(card) == []
    shown = everything(card)
    assert status_line in shown
    if decision:
        assert f"{decision} by <@{REVIEWER}>" in shown
    else:
        assert "Approved" not in shown and "Rejected" not in shown


# -- safety -------------------------------------------------------------------


def test_everything_a_partner_typed_is_inert() -> None:
    for card in (
        review_card(hostile_registration(), partner(name=EVIL, id=EVIL)),
        review_card(
            replace(
                hostile_registration(),
                status=Status.REJECTED,
                decided_by=REVIEWER,
                decided_at=DECIDED,
                decision_note=EVIL,
            ),
            partner(name=EVIL),
        ),
    ):
        assert_valid(card)
        assert_inert(card)
        assert "&lt;!channel&gt;" in everything(card)
    header = review_card(hostile_registration(), partner()).blocks[0]["text"]
    assert header == {"type": "plain_text", "text": f"Review request: {EVIL}"}


@pytest.mark.parametrize(
    ("user_id", "mention"),
    [
        ("U123ABC", True),
        ("W0ENTERPRISE", True),
        ("U123\n", False),
        ("u123abc", False),
        ("U", False),
        ("<!channel>", False),
        ("U12 <!here>", False),
    ],
)
def test_only_well_formed_user_ids_become_mentions(user_id: str, mention: bool) -> None:
    shown = everything(review_card(pending(created_by=user_id), partner()))
    assert (f"<@{user_id}>" in shown) is mention
    assert "<!channel>" not in shown and "<!here>" not in shown
    decided = everything(review_card(approved(decided_by=user_id), partner()))
    assert (f"Approved by <@{user_id}>" in decided) is mention


def test_user_ref_and_escape_clip() -> None:
    assert user_ref("UABC") == "<@UABC>"
    assert user_ref(None) == "someone"
    assert user_ref("<@U123>") == "&lt;@U123&gt;"
    clipped = escape_clip("a<" * 100, 50)
    assert len(clipped) <= 50 and clipped.endswith("…")
    assert clipped[:-1].endswith(("a", "&lt;"))  # never half an entity
