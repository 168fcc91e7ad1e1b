"""The review card of a pending request: valid, complete, and within Slack's limits."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.blocks.reject import reject_modal
from bot.blocks.review import (
    APPROVE,
    IN_THE_THREAD,
    MAX_REASON_LINES,
    REJECT,
    REVIEW_ACTIONS,
    review_card,
)
from bot.blocks.text import REVIEWER_WORDS, slack_date
from bot.domain.model import Customer, Reason, ReasonCode
from tests.blocks.review_helpers import (
    ALL_REASONS,
    DUE,
    PARTNER_USER,
    actions,
    assert_valid,
    everything,
    long_registration,
    partner,
    pending,
)


def test_pending_card_is_valid_and_has_approve_and_reject() -> None:
    card = review_card(pending(), partner())

    assert_valid(card)
    assert card.blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Review request: Globex GmbH"},
    }
    [block] = actions(card)
    assert block["block_id"] == REVIEW_ACTIONS == "review"
    approve, reject, need_info = block["elements"]
    assert (need_info["action_id"], need_info["text"]["text"]) == ("need_info", "Need more info")
    assert (approve["action_id"], approve["text"]["text"], approve["style"]) == (
        APPROVE,
        "Approve",
        "primary",
    )
    assert (reject["action_id"], reject["text"]["text"], reject["style"]) == (
        REJECT,
        "Reject",
        "danger",
    )
    assert approve["value"] == reject["value"] == "42"
    assert (APPROVE, REJECT) == ("approve", "reject")


def test_pending_card_shows_customer_partner_deadline_and_submitter() -> None:
    shown = everything(review_card(pending(), partner()))

    for expected in (
        "Globex GmbH",
        "it@globex.example",
        "+4930123456",
        "DE – Germany",
        "Acme Cloud Partners (p-acme)",
        "FR – France",
        "Manufacturing",
        "Met at the Berlin summit.",
        "We have worked with them for a year.",
        f"Answer by {slack_date(DUE)}",
        f"by <@{PARTNER_USER}>",
        "Registration #42",
    ):
        assert expected in shown
    assert "Globex GmbH for Acme Cloud Partners" in review_card(pending(), partner()).text


def test_every_reason_appears_with_its_evidence() -> None:
    shown = everything(review_card(pending(reasons=ALL_REASONS), partner()))

    for reason in ALL_REASONS:
        assert REVIEWER_WORDS[reason.code] in shown
    registered = int(datetime(2026, 10, 1, 8, 0, tzinfo=UTC).timestamp())
    for evidence in (
        "customer in DE, partner in FR (country from the directory)",
        f"registered 55 days ago (<!date^{registered}^",
        "has spend; followed up by direct sales (matched on email)",
        "belongs to the online sales team (matched on mobile)",
        "registered on the Chinese mainland site (matched on email)",
        "held by Registration #7",
    ):
        assert evidence in shown


def test_unknown_evidence_is_shown_as_key_and_value() -> None:
    reason = Reason(ReasonCode.ONLINE_SALES, {"team_name": "EMEA online"})
    country = Reason(
        ReasonCode.COUNTRY_MISMATCH,
        {"customer_country": "XX", "partner_country": "FR", "source": "typed"},
    )
    shown = everything(review_card(pending(reasons=(reason, country)), partner()))

    assert "belongs to the online sales team; team name: EMEA online" in shown
    assert "customer in XX, partner in FR (country as typed)" in shown


def test_long_input_stays_within_slacks_limits() -> None:
    card = review_card(long_registration(), partner(name="P" * 300, id="i" * 100))

    assert_valid(card)
    assert card.blocks[0]["text"]["text"].startswith("Review request: NNN")
    assert len(actions(card)) == 1
    assert "x" * 900 in everything(card)  # the notes are clipped, not dropped
    # A long justification is cut to a few lines; the whole text goes in the card's thread.
    assert "j" * 250 in everything(card) and "j" * 400 not in everything(card)
    assert IN_THE_THREAD in everything(card)


def test_text_that_grows_when_escaped_is_still_clipped() -> None:
    customer = Customer(name="&" * 200, country="DE", email="a@b.example", notes="<" * 3000)
    card = review_card(pending(customer=customer, justification=">" * 2000), partner())

    assert_valid(card)
    assert "&amp;" in everything(card)


def test_many_reasons_keep_the_message_under_fifty_blocks() -> None:
    reasons = tuple(ALL_REASONS[i % len(ALL_REASONS)] for i in range(40))
    card = review_card(pending(reasons=reasons), partner())

    assert_valid(card)
    assert f"{40 - MAX_REASON_LINES} more reasons are not shown." in everything(card)


def test_card_without_reasons_or_optional_fields() -> None:
    customer = Customer(name="Initech", country="US", email="a@initech.example")
    card = review_card(
        pending(customer=customer, reasons=(), justification=None, created_by=None), partner()
    )

    assert_valid(card)
    assert "No reason recorded." in everything(card)
    assert "Submitted <!date^" in everything(card)


def test_a_registration_without_id_cannot_be_reviewed() -> None:
    with pytest.raises(ValueError, match="id"):
        review_card(pending(id=None), partner())
    with pytest.raises(ValueError, match="id"):
        reject_modal(pending(id=None))
