"""The invitation's Block Kit: valid for Slack, inert for whatever the partner typed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.blocks.invite import (
    INVITE_EMAIL,
    INVITE_QR,
    associated_dm,
    email_failed_dm,
    email_sent_dm,
    invite_modal,
    preregistered_dm,
    qr_comment,
)
from bot.blocks.message import Block
from bot.blocks.refusals import answer
from bot.domain.invite_email import EMAIL_COOLDOWN, EmailJustSent
from bot.domain.model import Customer, Registration
from bot.services.invitations import Attempt, EmailOption, Invitation
from tests.blocks.review_helpers import EVIL, RAW, assert_inert, assert_valid
from tests.slack_standin import view_problems

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
LINK = "https://prereg.example.com/invite/eyJyIjo3LCJ1IjoiVUFDTUUxIn0.c2ln"


def registration(**identity: str) -> Registration:
    who = Customer(EVIL, "DE", **(identity or {"email": "it@kunde.de"}))
    made = Registration.preregistered("acme", who, NOW, timedelta(days=15), "UACME1")
    made.id = 7
    return made


def buttons(blocks: list[Block]) -> list[str]:
    return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


@pytest.mark.parametrize(
    ("option", "shown", "words"),
    [
        (EmailOption.AVAILABLE, [INVITE_QR, INVITE_EMAIL], "Emails sent in the last day: 2 of 5"),
        (EmailOption.NOT_CONFIGURED, [INVITE_QR], "not configured"),
        (EmailOption.NO_EMAIL, [INVITE_QR], "by mobile only"),
        (EmailOption.LIMIT_REACHED, [INVITE_QR], "5 invitation emails went to this customer"),
    ],
)
def test_the_invitation_modal_offers_what_is_possible(
    option: EmailOption, shown: list[str], words: str
) -> None:
    attempts = (Attempt(NOW, "wrong_email"), Attempt(NOW, "expired"))
    invitation = Invitation(registration(), LINK, option, 2, attempts)
    modal = invite_modal(invitation, notice="Sent.")
    assert view_problems(modal) == []
    assert buttons(modal["blocks"]) == shown
    text = str(modal)
    assert LINK in text and words in text
    assert "confirmed another email" in text and "after the pre-registration had ended" in text
    assert modal["private_metadata"] == "7"


def test_dms_are_valid_and_inert() -> None:
    held = registration()
    for message in (
        preregistered_dm(held, LINK, EmailOption.AVAILABLE),
        associated_dm(held),
        email_sent_dm(held),
        email_failed_dm(held, "SMTP 550: <@U123> no such user"),
    ):
        assert_valid(message)
        assert_inert(message)
    assert all(raw not in qr_comment(held) for raw in RAW)
    assert buttons(preregistered_dm(held, LINK, EmailOption.NO_EMAIL).blocks) == [INVITE_QR]
    assert LINK not in str(preregistered_dm(held, None, EmailOption.AVAILABLE).blocks)


def test_an_email_just_sent_is_said_with_the_address_escaped() -> None:
    sent_at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    said = answer(EmailJustSent("a<b>&c@kunde.de", sent_at, sent_at + EMAIL_COOLDOWN))
    assert said.title == "Email just sent"
    shown = json.dumps(said.message.blocks)
    assert "went to a&lt;b&gt;&amp;c@kunde.de a moment ago" in shown
    assert "no second one was sent" in said.message.text
