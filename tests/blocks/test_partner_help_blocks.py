"""Help, the partner's profile, and the words for durations."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.blocks.profile import PROFILE, profile_modal, profile_saved_view
from bot.blocks.replies import help_message
from bot.blocks.text import duration_words
from bot.domain.model import Partner
from bot.domain.policy import Policy
from tests.blocks.partner_helpers import POLICY, block, input_labels
from tests.blocks.review_helpers import texts
from tests.slack_driver import state_values


def test_help_explains_commands_and_rules() -> None:
    policy = Policy(quota=7, validity=timedelta(hours=36), review_sla_days=3, registered_days=9)
    text = "\n".join(texts(help_message(policy).blocks, "mrkdwn"))
    for command in ("list [name, email or mobile]", "profile", "delete", "help", "Acme Corp"):
        assert f"`/preregister {command}`" in text
    assert "36 hours" in text and "at most 7 customers" in text
    assert "3 working days" in text and "9 days" in text
    assert "review" in text and "another country" in text
    default = "\n".join(texts(help_message(POLICY).blocks, "mrkdwn"))
    assert "15 days" in default and "2 working days" in default


def test_profile_modal_starts_from_what_is_on_file() -> None:
    partner = Partner("acme", "Acme GmbH", "DE", email="sales@acme.de", mobile="+4930123456")
    view = profile_modal(partner)
    assert view["callback_id"] == PROFILE
    assert view["title"]["text"] == "Company contact"
    assert input_labels(view) == {"email": "Email", "mobile": "Mobile"}
    state = state_values(view)
    assert state["email"]["value"] == {"type": "email_text_input", "value": "sales@acme.de"}
    assert state["mobile"]["value"]["value"] == "+4930123456"
    assert all(b["optional"] for b in view["blocks"] if b["type"] == "input")
    assert "Acme GmbH" in "\n".join(texts(view, "plain_text"))
    assert any("needed to pre-register" in t for t in texts(view, "mrkdwn"))
    empty = profile_modal(Partner("x", "X", "DE"))
    assert "initial_value" not in block(empty, "email")["element"]


def test_profile_saved_shows_the_contact() -> None:
    view = profile_saved_view(Partner("acme", "Acme", "DE", email="sales@acme.de"))
    assert "submit" not in view and view["close"]["text"] == "Done"
    text = "\n".join(texts(view, "mrkdwn"))
    assert "sales@acme.de" in text and "/preregister" in text


@pytest.mark.parametrize(
    ("duration", "words"),
    [
        (timedelta(days=15), "15 days"),
        (timedelta(days=1), "1 day"),
        (timedelta(hours=36), "36 hours"),
        (timedelta(minutes=90), "90 minutes"),
        (timedelta(seconds=30), "30 seconds"),
    ],
)
def test_duration_words(duration: timedelta, words: str) -> None:
    assert duration_words(duration) == words
