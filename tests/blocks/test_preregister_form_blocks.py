"""The pre-registration form: its inputs, its options and what it shows again."""

from __future__ import annotations

import json
import re

import pycountry

from bot.blocks.countries import country_name, country_option, country_option_groups
from bot.blocks.preregister import (
    CUSTOMER_NAME,
    JUSTIFICATION,
    PREREGISTER,
    PREREGISTER_REVIEW,
    FormValues,
    preregister_modal,
)
from bot.blocks.review_step import review_step_modal
from bot.domain.industries import INDUSTRIES
from tests.blocks.partner_helpers import (
    CUSTOMERS,
    FORMS,
    LONGEST_COUNTRY,
    REVIEW_REASONS,
    block,
    input_labels,
)
from tests.slack_driver import state_values


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
