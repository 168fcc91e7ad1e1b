"""The card once decided, and that nothing typed on the card becomes a mention."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.blocks.review import review_card
from bot.blocks.text import REVIEWER_WORDS, escape_clip, slack_date, user_ref
from bot.domain.model import Partner, ReasonCode, Registration, Status
from tests.blocks import review_helpers as helpers


def test_approved_card_has_no_buttons_and_says_who_when_until() -> None:
    card = review_card(helpers.approved(), helpers.partner())

    helpers.assert_valid(card)
    assert helpers.actions(card) == []
    line = (
        f"✅ Approved by <@{helpers.REVIEWER}> {slack_date(helpers.DECIDED)} — valid until "
        f"{slack_date(helpers.VALID_UNTIL)}"
    )
    assert line in helpers.everything(card)
    assert card.text.startswith("✅ Approved")
    assert "Answer by" not in helpers.everything(card)
    # The same information as on the pending card.
    assert REVIEWER_WORDS[ReasonCode.COUNTRY_MISMATCH] in helpers.everything(card)


def test_rejected_card_has_no_buttons_and_shows_the_escaped_reason() -> None:
    card = review_card(helpers.rejected(reason="Owned by <direct> sales & co"), helpers.partner())

    helpers.assert_valid(card)
    assert helpers.actions(card) == []
    reason = "Owned by &lt;direct&gt; sales &amp; co"
    line = f"❌ Rejected by <@{helpers.REVIEWER}> {slack_date(helpers.DECIDED)}: {reason}"
    assert line in helpers.everything(card)
    assert card.text.startswith("❌ Rejected")


def test_rejected_card_with_a_long_reason_is_valid() -> None:
    card = review_card(helpers.rejected(reason="<" * 2000), long_registration_partner())
    helpers.assert_valid(card)


def long_registration_partner() -> Partner:
    return helpers.partner(name="P" * 300)


@pytest.mark.parametrize(
    ("registration", "status_line", "decision"),
    [
        (
            helpers.approved(status=Status.EXPIRED),
            "⌛ The pre-registration has expired.",
            "✅ Approved",
        ),
        (
            helpers.approved(status=Status.ASSOCIATED),
            "🤝 The customer has associated",
            "✅ Approved",
        ),
        (helpers.rejected(status=Status.DELETED), "🗑️ The partner has deleted", "❌ Rejected"),
        (helpers.pending(status=Status.DELETED), "🗑️ The partner has deleted", None),
        (helpers.pending(status=Status.EXPIRED), "⌛ The pre-registration has expired.", None),
    ],
)
def test_later_states_show_a_status_line_and_no_buttons(
    registration: Registration, status_line: str, decision: str | None
) -> None:
    card = review_card(registration, helpers.partner())

    helpers.assert_valid(card)
    assert helpers.actions(card) == []
    shown = helpers.everything(card)
    assert status_line in shown
    if decision:
        assert f"{decision} by <@{helpers.REVIEWER}>" in shown
    else:
        assert "Approved" not in shown and "Rejected" not in shown


# -- safety -------------------------------------------------------------------


def test_everything_a_partner_typed_is_inert() -> None:
    for card in (
        review_card(
            helpers.hostile_registration(), helpers.partner(name=helpers.EVIL, id=helpers.EVIL)
        ),
        review_card(
            replace(
                helpers.hostile_registration(),
                status=Status.REJECTED,
                decided_by=helpers.REVIEWER,
                decided_at=helpers.DECIDED,
                decision_note=helpers.EVIL,
            ),
            helpers.partner(name=helpers.EVIL),
        ),
    ):
        helpers.assert_valid(card)
        helpers.assert_inert(card)
        assert "&lt;!channel&gt;" in helpers.everything(card)
    header = review_card(helpers.hostile_registration(), helpers.partner()).blocks[0]["text"]
    assert header == {"type": "plain_text", "text": f"Review request: {helpers.EVIL}"}


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
    shown = helpers.everything(review_card(helpers.pending(created_by=user_id), helpers.partner()))
    assert (f"<@{user_id}>" in shown) is mention
    assert "<!channel>" not in shown and "<!here>" not in shown
    decided = helpers.everything(
        review_card(helpers.approved(decided_by=user_id), helpers.partner())
    )
    assert (f"Approved by <@{user_id}>" in decided) is mention


def test_user_ref_and_escape_clip() -> None:
    assert user_ref("UABC") == "<@UABC>"
    assert user_ref(None) == "someone"
    assert user_ref("<@U123>") == "&lt;@U123&gt;"
    clipped = escape_clip("a<" * 100, 50)
    assert len(clipped) <= 50 and clipped.endswith("…")
    assert clipped[:-1].endswith(("a", "&lt;"))  # never half an entity
