"""Every view and message a partner sees is valid Block Kit, and what they typed stays inert."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot.blocks.message import Message
from bot.blocks.preregister import CUSTOMER_NAME, preregister_modal
from bot.blocks.profile import profile_modal, profile_saved_view
from bot.blocks.replies import (
    help_message,
    no_contact_message,
    not_linked_message,
    quota_reached_message,
)
from bot.blocks.results import (
    already_yours_view,
    blocked_view,
    registered_view,
    review_submitted_view,
)
from bot.blocks.review_step import review_step_modal
from bot.blocks.text import escape_clip
from bot.domain.model import Partner, Reason, ReasonCode
from bot.domain.policy import QuotaUse
from tests.blocks.partner_helpers import (
    CUSTOMERS,
    FORMS,
    POLICY,
    REVIEW_REASONS,
    block,
    pending,
    preregistered,
)
from tests.blocks.review_helpers import EVIL, NOW, texts
from tests.slack_standin import message_problems, view_problems

RAW = ("<!channel>", "<@U123>", "<http")


def assert_message_ok(message: Message) -> None:
    assert message.text.strip()
    assert message_problems(message.text, message.blocks) == []


def assert_inert(surface: Any, text: str = "") -> None:
    """No live mention or link in any mrkdwn text or in the message's fallback text."""
    for shown in [*texts(surface, "mrkdwn"), text]:
        for raw in RAW:
            assert raw not in shown, shown


VIEWS: dict[str, Callable[[str], dict[str, Any]]] = {
    "form": lambda k: preregister_modal("DE", FORMS.get(k)),
    "review step": lambda k: review_step_modal(
        CUSTOMERS[k], REVIEW_REASONS, FORMS[k].justification if k in FORMS else None
    ),
    "registered": lambda k: registered_view(preregistered(CUSTOMERS[k])),
    "registered, no id": lambda k: registered_view(preregistered(CUSTOMERS[k], None)),
    "review submitted": lambda k: review_submitted_view(pending(CUSTOMERS[k])),
    "blocked": lambda k: blocked_view(
        CUSTOMERS[k].name, Reason(ReasonCode.HELD_BY_OTHER_PARTNER, {"registration_id": "7"})
    ),
    "already yours, pending": lambda k: already_yours_view(pending(CUSTOMERS[k])),
    "already yours, preregistered": lambda k: already_yours_view(preregistered(CUSTOMERS[k])),
    "profile": lambda k: profile_modal(
        Partner("p", CUSTOMERS[k].name, "DE", email=CUSTOMERS[k].email, mobile="+4930123456")
    ),
    "profile saved": lambda k: profile_saved_view(
        Partner("p", CUSTOMERS[k].name, "DE", email=CUSTOMERS[k].email)
    ),
}


@pytest.mark.parametrize("kind", list(CUSTOMERS))
@pytest.mark.parametrize("name", list(VIEWS))
def test_every_view_is_valid(name: str, kind: str) -> None:
    view = VIEWS[name](kind)
    assert view_problems(view) == []
    assert len(view["title"]["text"]) <= 24
    assert_inert(view)


MESSAGES: dict[str, Callable[[], Message]] = {
    "not linked": lambda: not_linked_message("U0NOBODY"),
    "no contact": no_contact_message,
    "quota, next expiry": lambda: quota_reached_message(QuotaUse(100, 100, NOW)),
    "quota, all pending": lambda: quota_reached_message(QuotaUse(100, 100, None)),
    "help": lambda: help_message(POLICY),
}


@pytest.mark.parametrize("name", list(MESSAGES))
def test_every_message_is_valid(name: str) -> None:
    message = MESSAGES[name]()
    assert_message_ok(message)
    assert_inert(message.blocks, message.text)


def test_typed_text_is_inert_but_still_shown() -> None:
    for view in (
        registered_view(preregistered(CUSTOMERS["evil"])),
        review_submitted_view(pending(CUSTOMERS["evil"])),
        already_yours_view(pending(CUSTOMERS["evil"])),
        blocked_view(EVIL, Reason(ReasonCode.CONTRACT)),
    ):
        assert_inert(view)
        mrkdwn = "\n".join(texts(view, "mrkdwn"))
        assert "&lt;!channel&gt; &lt;@U123&gt; &lt;http://evil|click&gt; &amp; co" in mrkdwn
    assert_inert(review_step_modal(CUSTOMERS["evil"], REVIEW_REASONS, EVIL))
    form = preregister_modal("DE", FORMS["evil"])
    assert_inert(form)
    assert block(form, CUSTOMER_NAME)["element"]["initial_value"] == EVIL  # plain, as typed


def test_escape_clip_never_cuts_an_entity() -> None:
    clipped = escape_clip("&" * 100, 12)
    assert len(clipped) <= 12 and clipped == "&amp;&amp;…"
