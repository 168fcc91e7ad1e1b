"""The reject modal and the replies to a refused or already decided review."""

from __future__ import annotations

import pytest

from bot.blocks.reject import REJECT_MODAL, reject_modal
from bot.blocks.review import already_decided_message, refusal_message
from bot.blocks.text import slack_date
from bot.domain.model import Customer
from tests.blocks.review_helpers import (
    DECIDED,
    EVIL,
    REVIEWER,
    approved,
    assert_inert,
    assert_valid,
    everything,
    pending,
    rejected,
    texts,
)
from tests.slack_standin import view_problems


def test_reject_modal() -> None:
    modal = reject_modal(pending())

    assert view_problems(modal) == []
    assert modal["callback_id"] == REJECT_MODAL == "reject_reason"
    assert modal["private_metadata"] == "42"
    assert modal["title"]["text"] == "Reject request"
    assert modal["submit"]["text"] == "Reject"
    assert modal["close"]["text"] == "Cancel"
    assert all(len(modal[k]["text"]) <= 24 for k in ("title", "submit", "close"))
    reason, details = [b for b in modal["blocks"] if b["type"] == "input"]
    assert reason["block_id"] == "reason"
    assert reason["label"] == {"type": "plain_text", "text": "Reason"}
    assert reason.get("optional", False) is False
    assert reason["element"]["type"] == "radio_buttons"
    assert [o["text"]["text"] for o in reason["element"]["options"]] == [
        "Duplicate of another registration",
        "Direct sales owns the account",
        "Insufficient justification",
        "Other",
    ]
    element = details["element"]
    assert details["label"]["text"] == "Details for the partner" and details["optional"] is True
    assert element["type"] == "plain_text_input"
    assert element["action_id"] == "value"
    assert element["multiline"] is True
    assert element["max_length"] == 2000
    assert "Globex GmbH" in "\n".join(texts(modal["blocks"], "plain_text"))


def test_reject_modal_with_long_or_hostile_names() -> None:
    for name in ("N" * 200, EVIL, "&" * 3000):
        customer = Customer(name=name, country="DE", email="a@b.example")
        modal = reject_modal(pending(customer=customer))
        assert view_problems(modal) == []
        assert list(texts(modal["blocks"], "mrkdwn")) == []  # user data only in plain_text


# -- refusals -----------------------------------------------------------------


def test_refusal_message() -> None:
    message = refusal_message("Only reviewers can decide.")
    assert_valid(message)
    assert "Only reviewers can decide." in message.text

    hostile = refusal_message(EVIL + "x" * 5000)
    assert_valid(hostile)
    assert_inert(hostile)


def test_already_decided_says_by_whom_and_when() -> None:
    message = already_decided_message(approved())
    assert_valid(message)
    assert f"Approved by <@{REVIEWER}> {slack_date(DECIDED)}" in everything(message)

    message = already_decided_message(rejected(reason=EVIL))
    assert_valid(message)
    assert_inert(message)
    assert f"Rejected by <@{REVIEWER}> {slack_date(DECIDED)}" in everything(message)

    with pytest.raises(ValueError, match="pending"):
        already_decided_message(pending())
