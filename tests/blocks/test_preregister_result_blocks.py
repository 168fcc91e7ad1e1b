"""What a partner is told after submitting: registered, under review, blocked, held, or refused."""

from __future__ import annotations

import json

import pytest

from bot.blocks.preregister import OPEN_PROFILE, RESULT
from bot.blocks.replies import no_contact_message, not_linked_message, quota_reached_message
from bot.blocks.results import (
    already_yours_view,
    blocked_view,
    registered_view,
    review_submitted_view,
)
from bot.blocks.text import slack_date
from bot.domain.model import Reason, ReasonCode
from bot.domain.policy import QuotaUse
from tests.blocks.partner_helpers import CUSTOMERS, pending, preregistered
from tests.blocks.review_helpers import NOW, texts
from tests.slack_standin import view_problems


def test_registered_view_says_until_when_and_what_next() -> None:
    registration = preregistered(CUSTOMERS["normal"])
    view = registered_view(registration)
    assert view["callback_id"] == RESULT
    assert view["close"]["text"] == "Done"
    assert "submit" not in view
    mrkdwn = "\n".join(texts(view, "mrkdwn"))
    assert registration.valid_until is not None
    assert f"Pre-registered until {slack_date(registration.valid_until)}" in mrkdwn
    assert "<!date^" in mrkdwn
    assert "Kunde GmbH" in mrkdwn and "it@kunde.de" in mrkdwn and "Germany" in mrkdwn
    assert "invit" in mrkdwn.lower() and "/preregister list" in mrkdwn
    reference = next(b for b in view["blocks"] if b["type"] == "context")
    assert "#42" in reference["elements"][0]["text"]
    assert view["blocks"][-1]["elements"][0]["text"]["text"] == "Pre-register another"


def test_review_submitted_view_gives_the_due_date_and_the_reasons() -> None:
    registration = pending(CUSTOMERS["normal"])
    view = review_submitted_view(registration)
    assert view["callback_id"] == RESULT and "submit" not in view
    mrkdwn = "\n".join(texts(view, "mrkdwn"))
    assert registration.review_due is not None
    assert "Sent for review" in mrkdwn
    assert f"Reviewers answer by {slack_date(registration.review_due)}" in mrkdwn
    assert "another country" in mrkdwn and "DM" in mrkdwn and "quota" in mrkdwn
    assert "matched_on" not in json.dumps(view)


@pytest.mark.parametrize(
    "code",
    [
        ReasonCode.ASSOCIATED,
        ReasonCode.HELD_BY_OTHER_PARTNER,
        ReasonCode.CONTRACT,
        ReasonCode.SPEND_WITHOUT_FOLLOWUP,
        ReasonCode.REGISTERED,
    ],
)
def test_blocked_view_explains_without_evidence(code: ReasonCode) -> None:
    evidence = {
        "registration_id": "9876",
        "partner_id": "rival-partner",
        "partner_name": "Rival Ltd",
        "registered_at": "2026-11-20T09:00:00+00:00",
        "site": "intl",
        "matched_on": "email",
    }
    view = blocked_view("Kunde GmbH", Reason(code, evidence))
    assert view_problems(view) == []
    assert view["callback_id"] == RESULT and "submit" not in view
    dumped = json.dumps(view)
    for key, value in evidence.items():
        assert key not in dumped and value not in dumped
    assert "rival" not in dumped.lower() and "2026" not in dumped
    mrkdwn = "\n".join(texts(view, "mrkdwn"))
    assert "Kunde GmbH" in mrkdwn and "What you can do" in mrkdwn


def test_held_by_another_partner_names_nobody() -> None:
    view = blocked_view("Kunde GmbH", Reason(ReasonCode.HELD_BY_OTHER_PARTNER))
    mrkdwn = "\n".join(texts(view, "mrkdwn"))
    assert "already pre-registered by someone else" in mrkdwn
    assert "try again later" in mrkdwn


def test_already_yours_shows_where_it_stands() -> None:
    waiting = pending(CUSTOMERS["normal"])
    assert waiting.review_due is not None
    text = "\n".join(texts(already_yours_view(waiting), "mrkdwn"))
    assert "already holds this customer" in text
    assert slack_date(waiting.review_due) in text and "reviewer" in text
    assert "No new record" in text and "#43" in text

    held = preregistered(CUSTOMERS["normal"])
    assert held.valid_until is not None
    text = "\n".join(texts(already_yours_view(held), "mrkdwn"))
    assert f"pre-registered until {slack_date(held.valid_until)}" in text


def test_not_linked_tells_whom_to_ask_and_the_user_id() -> None:
    message = not_linked_message("U0NOBODY")
    text = message.blocks[0]["text"]["text"]
    assert "isn't linked" in message.text
    assert "ecosystem manager" in text and "operators" in text
    assert "`U0NOBODY`" in text
    assert "prereg partners link --id … --slack-user U0NOBODY" in text


def test_no_contact_offers_the_profile_button() -> None:
    message = no_contact_message()
    (actions,) = [b for b in message.blocks if b["type"] == "actions"]
    (button,) = actions["elements"]
    assert button["action_id"] == OPEN_PROFILE == "open_profile"
    assert button["text"]["text"] == "Set contact details"
    assert "email or mobile" in message.text


def test_quota_reached_says_how_many_and_when() -> None:
    soon = quota_reached_message(QuotaUse(100, 100, NOW))
    assert "100 of 100" in soon.text
    assert f"The next one expires {slack_date(NOW)}" in soon.blocks[0]["text"]["text"]
    waiting = quota_reached_message(QuotaUse(3, 3, None))
    assert "3 of 3" in waiting.text
    assert "as reviewers decide" in waiting.blocks[0]["text"]["text"]
    assert "<!date" not in waiting.blocks[0]["text"]["text"]
