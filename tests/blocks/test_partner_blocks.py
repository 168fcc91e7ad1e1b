"""The partner's Block Kit: valid for Slack with any input, safe with hostile input."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pycountry
import pytest

from bot.blocks.countries import country_codes, country_name, country_option, country_option_groups
from bot.blocks.message import Message
from bot.blocks.preregister import (
    CUSTOMER_NAME,
    JUSTIFICATION,
    OPEN_PROFILE,
    PREREGISTER,
    PREREGISTER_REVIEW,
    RESULT,
    FormValues,
    preregister_modal,
)
from bot.blocks.profile import PROFILE, profile_modal, profile_saved_view
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
from bot.blocks.text import duration_words, escape_clip, slack_date
from bot.domain.industries import INDUSTRIES
from bot.domain.model import Customer, Partner, Reason, ReasonCode, Registration
from bot.domain.policy import Policy, QuotaUse
from tests.slack_driver import state_values
from tests.slack_standin import message_problems, view_problems

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
POLICY = Policy()
EVIL = "<!channel> <@U123> <http://evil|click> & co"
RAW = ("<!channel>", "<@U123>", "<http")
LONGEST_COUNTRY = max(country_codes(), key=lambda code: len(country_name(code)))
LONG_EMAIL = "x" * (320 - len("@example.com")) + "@example.com"

ACME = Partner("acme", "Acme GmbH", "DE", email="sales@acme.de", slack_user_ids=("U0ACME",))
REVIEW_REASONS = (
    Reason(ReasonCode.DIRECT_SALES_FOLLOWUP, {"matched_on": "email", "has_spend": "true"}),
    Reason(ReasonCode.DIRECT_SALES_FOLLOWUP, {"matched_on": "mobile", "has_spend": "false"}),
    Reason(
        ReasonCode.COUNTRY_MISMATCH,
        {"customer_country": "FR", "partner_country": "DE", "source": "directory"},
    ),
    Reason(ReasonCode.ONLINE_SALES, {"matched_on": "email"}),
)

CUSTOMERS = {
    "normal": Customer("Kunde GmbH", "DE", email="it@kunde.de", mobile="+4930123456"),
    "long": Customer(
        "N" * 200,
        LONGEST_COUNTRY,
        email=LONG_EMAIL,
        mobile="+4930123456",
        industry="I" * 100,
        notes="n" * 3000,
    ),
    "escapes": Customer("&" * 200, "DE", email="&" * 310 + "@a.example", notes="<" * 3000),
    "evil": Customer(EVIL, "DE", email="it@kunde.de", notes=EVIL, industry=EVIL),
}

FORMS = {
    "normal": FormValues(
        customer_name="Kunde GmbH",
        email="it@kunde.de",
        mobile="030 123456",
        country="FR",
        industry="Retail & consumer goods",
        notes="Met at the fair.",
        justification="We have worked with them for a year.",
    ),
    "long": FormValues(
        customer_name="N" * 200,
        email=LONG_EMAIL,
        mobile="+" + "1" * 49,
        country=LONGEST_COUNTRY,
        industry="I" * 100,
        notes="n" * 3000,
        justification="j" * 2000,
    ),
    "evil": FormValues(
        customer_name=EVIL, country="DE", notes=EVIL, industry=EVIL, justification=EVIL
    ),
}


def preregistered(customer: Customer, id_: int | None = 42) -> Registration:
    r = Registration.preregistered("acme", customer, NOW, POLICY.validity, created_by="U0ACME")
    r.id = id_
    return r


def pending(customer: Customer, id_: int | None = 43) -> Registration:
    r = Registration.pending_review(
        "acme", customer, REVIEW_REASONS, "j" * 2000, NOW, NOW + timedelta(days=2), "U0ACME"
    )
    r.id = id_
    return r


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def text_objects(node: Any, kind: str) -> Iterator[str]:
    """Every text of the given type ("mrkdwn" or "plain_text") anywhere in a view or blocks."""
    if isinstance(node, dict):
        if node.get("type") == kind and isinstance(node.get("text"), str):
            yield node["text"]
        for value in node.values():
            yield from text_objects(value, kind)
    elif isinstance(node, list):
        for item in node:
            yield from text_objects(item, kind)


def block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = view["blocks"]
    (found,) = [b for b in blocks if b.get("block_id") == block_id]
    return found


def input_labels(view: dict[str, Any]) -> dict[str, str]:
    return {b["block_id"]: b["label"]["text"] for b in view["blocks"] if b["type"] == "input"}


def assert_message_ok(message: Message) -> None:
    assert message.text.strip()
    assert message_problems(message.text, message.blocks) == []


def assert_inert(surface: Any, text: str = "") -> None:
    """No live mention or link in any mrkdwn text or in the message's fallback text."""
    for shown in [*text_objects(surface, "mrkdwn"), text]:
        for raw in RAW:
            assert raw not in shown, shown


# --------------------------------------------------------------------------
# Every builder, normal and long and hostile input: Slack accepts it
# --------------------------------------------------------------------------

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


# --------------------------------------------------------------------------
# The form
# --------------------------------------------------------------------------


def test_form_has_the_fixed_inputs() -> None:
    view = preregister_modal("DE")
    assert view["callback_id"] == PREREGISTER
    assert view["title"]["text"] == "Pre-register"
    assert view["submit"]["text"] == "Pre-register"
    assert view["close"]["text"] == "Cancel"
    labels = input_labels(view)
    assert list(labels) == ["customer_name", "email", "mobile", "country", "industry", "notes"]
    for block_id, word in [
        ("customer_name", "Customer name"),
        ("email", "Email"),
        ("mobile", "Mobile"),
        ("country", "Country"),
        ("industry", "Industry"),
        ("notes", "Notes"),
    ]:
        assert word in labels[block_id]
        assert block(view, block_id)["element"]["action_id"] == "value"
    assert "Country / region" in labels["country"]
    name = block(view, "customer_name")
    assert name["optional"] is False
    assert name["element"] == {**name["element"], "type": "plain_text_input", "max_length": 200}
    assert block(view, "email")["element"]["type"] == "email_text_input"
    assert block(view, "email")["optional"] is True
    mobile = block(view, "mobile")
    assert mobile["optional"] is True
    assert "country code" in mobile["hint"]["text"]
    assert block(view, "country")["optional"] is False
    industry = block(view, "industry")
    assert industry["optional"] is True
    assert industry["element"]["type"] == "static_select"
    assert [o["value"] for o in industry["element"]["options"]] == list(INDUSTRIES)
    notes = block(view, "notes")["element"]
    assert (notes["multiline"], notes["max_length"]) == (True, 3000)
    # Each of the two says that one of them is required, under its own input.
    for contact in ("email", "mobile"):
        assert "One of email or mobile is required" in block(view, contact)["hint"]["text"]


def test_country_options_cover_iso_3166_within_slack_limits() -> None:
    groups = country_option_groups()
    assert len(groups) <= 100
    values = [o["value"] for g in groups for o in g["options"]]
    assert all(len(g["options"]) <= 100 for g in groups)
    assert sorted(values) == sorted(c.alpha_2 for c in pycountry.countries)
    assert len(values) == len(set(values))
    assert all(re.fullmatch(r"[A-Z]{2}", v) for v in values)
    texts = [o["text"] for g in groups for o in g["options"]]
    assert all(t["type"] == "plain_text" and 0 < len(t["text"]) <= 75 for t in texts)
    # Common names where pycountry has them, grouped by their first letter.
    assert country_name("KR") == "South Korea"
    assert country_name("de") == "Germany"
    assert country_option("TW") == {
        "text": {"type": "plain_text", "text": "Taiwan", "emoji": False},
        "value": "TW",
    }
    assert country_option("XK") is None
    for group in groups:
        letter = group["label"]["text"][0]
        assert all(o["text"]["text"][0] in (letter, "Å") for o in group["options"])


def test_partner_country_is_preselected() -> None:
    element = block(preregister_modal("DE"), "country")["element"]
    assert element["initial_option"]["value"] == "DE"
    assert "options" not in element
    assert element["option_groups"] == country_option_groups()
    unknown = block(preregister_modal("XK"), "country")["element"]
    assert "initial_option" not in unknown


def test_form_values_come_back_as_initial_values() -> None:
    form = FORMS["normal"]
    view = preregister_modal("DE", form)
    state = state_values(view)
    typed = {block_id: entry["value"] for block_id, entry in state.items()}
    assert typed["country"]["selected_option"]["value"] == "FR"
    assert typed["industry"]["selected_option"]["value"] == "Retail & consumer goods"
    assert {k: v["value"] for k, v in typed.items() if k not in ("country", "industry")} == {
        "customer_name": "Kunde GmbH",
        "email": "it@kunde.de",
        "mobile": "030 123456",
        "notes": "Met at the fair.",
    }


def test_an_industry_typed_before_the_list_is_not_offered_as_chosen() -> None:
    view = preregister_modal("DE", FormValues(country="DE", industry="Retail"))
    assert "initial_option" not in block(view, "industry")["element"]


def test_long_form_values_fit_their_inputs() -> None:
    view = preregister_modal("DE", FORMS["long"])
    state = state_values(view)  # raises if Slack's client would refuse the form
    assert state["notes"]["value"]["value"] == "n" * 3000
    assert state[CUSTOMER_NAME]["value"]["value"] == "N" * 200
    assert state["country"]["value"]["selected_option"]["value"] == LONGEST_COUNTRY
    step = review_step_modal(CUSTOMERS["long"], REVIEW_REASONS, "j" * 2000)
    assert state_values(step)[JUSTIFICATION]["value"]["value"] == "j" * 2000
    assert len(step["private_metadata"]) <= 3000


def test_the_review_step_locks_the_facts_and_asks_for_the_justification_first() -> None:
    customer = CUSTOMERS["normal"]
    view = review_step_modal(customer, REVIEW_REASONS, "We have worked with them for a year.")
    assert view["callback_id"] == PREREGISTER_REVIEW
    assert (view["title"]["text"], view["submit"]["text"]) == ("Request review", "Request review")
    inputs = [b for b in view["blocks"] if b["type"] == "input"]
    assert [b["block_id"] for b in inputs] == [JUSTIFICATION, "notes"]  # no fact is editable
    justification = inputs[0]
    assert justification["optional"] is False
    element = justification["element"]
    assert (element["multiline"], element["max_length"], element["action_id"]) == (
        True,
        2000,
        "value",
    )
    assert "why" in element["placeholder"]["text"].lower()
    assert element["initial_value"] == "We have worked with them for a year."
    explained = view["blocks"][0]["text"]["text"]
    assert "This customer needs a reviewer's decision" in explained
    assert explained.count("direct sales") == 1  # two facts, one reason in the partner's words
    assert "another country" in explained
    shown = json.dumps(view["blocks"])
    assert customer.name in shown and str(customer.email) in shown
    (edit,) = [e for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert (edit["action_id"], edit["text"]["text"]) == ("edit_details", "Edit details")
    facts = json.loads(view["private_metadata"])
    assert facts == {
        "name": customer.name,
        "email": customer.email,
        "country": customer.country,
        **({"mobile": customer.mobile} if customer.mobile else {}),
        **({"industry": customer.industry} if customer.industry else {}),
    }


def test_registered_view_says_until_when_and_what_next() -> None:
    registration = preregistered(CUSTOMERS["normal"])
    view = registered_view(registration)
    assert view["callback_id"] == RESULT
    assert view["close"]["text"] == "Done"
    assert "submit" not in view
    mrkdwn = "\n".join(text_objects(view, "mrkdwn"))
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
    mrkdwn = "\n".join(text_objects(view, "mrkdwn"))
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
    mrkdwn = "\n".join(text_objects(view, "mrkdwn"))
    assert "Kunde GmbH" in mrkdwn and "What you can do" in mrkdwn


def test_held_by_another_partner_names_nobody() -> None:
    view = blocked_view("Kunde GmbH", Reason(ReasonCode.HELD_BY_OTHER_PARTNER))
    mrkdwn = "\n".join(text_objects(view, "mrkdwn"))
    assert "already pre-registered by someone else" in mrkdwn
    assert "try again later" in mrkdwn


def test_already_yours_shows_where_it_stands() -> None:
    waiting = pending(CUSTOMERS["normal"])
    assert waiting.review_due is not None
    text = "\n".join(text_objects(already_yours_view(waiting), "mrkdwn"))
    assert "already holds this customer" in text
    assert slack_date(waiting.review_due) in text and "reviewer" in text
    assert "No new record" in text and "#43" in text

    held = preregistered(CUSTOMERS["normal"])
    assert held.valid_until is not None
    text = "\n".join(text_objects(already_yours_view(held), "mrkdwn"))
    assert f"pre-registered until {slack_date(held.valid_until)}" in text


# --------------------------------------------------------------------------
# Mention injection
# --------------------------------------------------------------------------


def test_typed_text_is_inert_but_still_shown() -> None:
    for view in (
        registered_view(preregistered(CUSTOMERS["evil"])),
        review_submitted_view(pending(CUSTOMERS["evil"])),
        already_yours_view(pending(CUSTOMERS["evil"])),
        blocked_view(EVIL, Reason(ReasonCode.CONTRACT)),
    ):
        assert_inert(view)
        mrkdwn = "\n".join(text_objects(view, "mrkdwn"))
        assert "&lt;!channel&gt; &lt;@U123&gt; &lt;http://evil|click&gt; &amp; co" in mrkdwn
    assert_inert(review_step_modal(CUSTOMERS["evil"], REVIEW_REASONS, EVIL))
    form = preregister_modal("DE", FORMS["evil"])
    assert_inert(form)
    assert block(form, CUSTOMER_NAME)["element"]["initial_value"] == EVIL  # plain, as typed


# --------------------------------------------------------------------------
# Ephemeral replies
# --------------------------------------------------------------------------


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


def test_help_explains_commands_and_rules() -> None:
    policy = Policy(quota=7, validity=timedelta(hours=36), review_sla_days=3, registered_days=9)
    text = "\n".join(text_objects(help_message(policy).blocks, "mrkdwn"))
    for command in ("list [name, email or mobile]", "profile", "delete", "help", "Acme Corp"):
        assert f"`/preregister {command}`" in text
    assert "36 hours" in text and "at most 7 customers" in text
    assert "3 working days" in text and "9 days" in text
    assert "review" in text and "another country" in text
    default = "\n".join(text_objects(help_message(POLICY).blocks, "mrkdwn"))
    assert "15 days" in default and "2 working days" in default


# --------------------------------------------------------------------------
# Profile
# --------------------------------------------------------------------------


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
    assert "Acme GmbH" in "\n".join(text_objects(view, "plain_text"))
    assert any("needed to pre-register" in t for t in text_objects(view, "mrkdwn"))
    empty = profile_modal(Partner("x", "X", "DE"))
    assert "initial_value" not in block(empty, "email")["element"]


def test_profile_saved_shows_the_contact() -> None:
    view = profile_saved_view(Partner("acme", "Acme", "DE", email="sales@acme.de"))
    assert "submit" not in view and view["close"]["text"] == "Done"
    text = "\n".join(text_objects(view, "mrkdwn"))
    assert "sales@acme.de" in text and "/preregister" in text


# --------------------------------------------------------------------------
# Text helpers
# --------------------------------------------------------------------------


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


def test_escape_clip_never_cuts_an_entity() -> None:
    clipped = escape_clip("&" * 100, 12)
    assert len(clipped) <= 12 and clipped == "&amp;&amp;…"
