"""The modal and button parsers against a submission recorded in Slack's shape.

Each validation variant is checked here, without a server; the end-to-end tests keep one
case per outcome.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from bot.blocks import preregister as ids
from bot.blocks.refusals import UnreadableRequest
from bot.handlers import payloads
from bot.handlers.forms import FieldErrors, parse_contact_form, parse_customer_form

RECORDED = json.loads(
    (
        Path(__file__).parent.parent / "fixtures" / "slack" / "preregister_submission.json"
    ).read_text()
)


def submitted(**typed: str | None) -> dict[str, Any]:
    """The recorded view with some inputs retyped (None: left empty)."""
    view: dict[str, Any] = copy.deepcopy(RECORDED["view"])
    values = view["state"]["values"]
    for block_id, text in typed.items():
        element = values[block_id]["value"]
        if element["type"] == "static_select":
            element["selected_option"] = None if text is None else {"value": text}
        else:
            element["value"] = text
    return view


def errors_of(view: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(FieldErrors) as raised:
        parse_customer_form(view)
    return raised.value.errors


def test_the_recorded_submission_parses_to_a_normalized_customer() -> None:
    customer = parse_customer_form(submitted()).customer()
    assert (customer.name, customer.country) == ("Kunde GmbH", "DE")
    assert customer.email == "einkauf@kunde.example"
    assert customer.mobile == "+49301234567"  # read with the chosen country
    assert (customer.industry, customer.notes) == (None, None)


@pytest.mark.parametrize(
    ("typed", "errors"),
    [
        ({"customer_name": "   "}, {ids.CUSTOMER_NAME: "This is required."}),
        (
            {"customer_name": "x" * 201},
            {ids.CUSTOMER_NAME: "This is too long: at most 200 characters."},
        ),
        ({"email": "not-an-email"}, {ids.EMAIL: "This is not a valid email address."}),
        (
            {"email": None, "mobile": None},
            {ids.EMAIL: "Give an email or a mobile number (or both)."},
        ),
        (
            {"country": "XX", "mobile": "+49301234567"},
            {ids.COUNTRY: "Choose a country from the list."},
        ),
        ({"notes": "n" * 3001}, {ids.NOTES: "This is too long: at most 3000 characters."}),
        # A forged or outdated industry: only the list's values are taken.
        ({"industry": "<!channel> retail"}, {ids.INDUSTRY: "Choose an industry from the list."}),
    ],
)
def test_each_bad_input_is_named_under_its_own_field(
    typed: dict[str, str | None], errors: dict[str, str]
) -> None:
    assert errors_of(submitted(**typed)) == errors


def test_an_industry_from_the_list_is_taken() -> None:
    customer = parse_customer_form(submitted(industry="Financial services")).customer()
    assert customer.industry == "Financial services"


def test_a_mobile_that_is_no_number_in_the_chosen_country_is_refused_under_mobile() -> None:
    assert set(errors_of(submitted(mobile="12"))) == {ids.MOBILE}


def test_the_contact_form_reads_the_mobile_with_the_companys_country() -> None:
    view = submitted()
    contact = parse_contact_form(view, "FR")
    assert contact.mobile == "+33301234567"
    assert contact.email == "einkauf@kunde.example"


def click_body(value: object, user: object = "UREV1") -> dict[str, Any]:
    return {"user": {"id": user}, "trigger_id": "1.2.3", "actions": [{"value": value}]}


def test_a_button_naming_a_registration_is_read() -> None:
    click = payloads.click(click_body("42"))
    assert (click.user_id, click.registration_id, click.trigger_id) == ("UREV1", 42, "1.2.3")


@pytest.mark.parametrize(
    "value", [None, "", "abc", "-1", "0", "1e3", " 42", "4.2", str(10**30), 42, "٤٢"]
)
def test_a_button_value_that_is_not_one_of_ours_is_unreadable(value: object) -> None:
    with pytest.raises(UnreadableRequest):
        payloads.click(click_body(value))


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"user": None},
        {"user": {"id": "<!channel>"}, "actions": [{"value": "1"}]},
        {"actions": []},
    ],
)
def test_a_body_without_a_user_or_an_action_is_unreadable(body: dict[str, Any]) -> None:
    with pytest.raises(UnreadableRequest):
        payloads.click(body)


def test_an_overflow_choice_names_its_action_and_registration() -> None:
    body = {
        "user": {"id": "UACME1"},
        "trigger_id": "t",
        "actions": [{"selected_option": {"value": "delete:7"}}],
    }
    choice = payloads.menu_choice(body)
    assert (choice.action, choice.registration_id) == ("delete", 7)


@pytest.mark.parametrize("value", ["delete", "approve:7", "delete:x", "opportunity:", None])
def test_an_overflow_choice_we_never_offer_is_unreadable(value: str | None) -> None:
    body = {"user": {"id": "UACME1"}, "actions": [{"selected_option": {"value": value}}]}
    with pytest.raises(UnreadableRequest):
        payloads.menu_choice(body)


@pytest.mark.parametrize(
    ("metadata", "read"), [("12", 12), ("", None), ("12;13", None), (None, None)]
)
def test_a_modal_names_its_registration_in_private_metadata(
    metadata: str | None, read: int | None
) -> None:
    view = {"private_metadata": metadata}
    if read is None:
        with pytest.raises(UnreadableRequest):
            payloads.metadata_id(view)
    else:
        assert payloads.metadata_id(view) == read


def test_multi_select_choices_are_our_ids_only() -> None:
    assert payloads.chosen_ids(["3", "1", "3"]) == (3, 1)
    assert payloads.chosen_ids(None) == ()
    for bad in (["1", "x"], "1", [1], ["1"] * 101):
        with pytest.raises(UnreadableRequest):
            payloads.chosen_ids(bad)


def test_a_waiting_list_button_carries_a_customer_that_is_checked_again() -> None:
    from bot.handlers.payloads import typed_customer

    def body(value: str) -> dict[str, Any]:
        return {"user": {"id": "UACME1"}, "trigger_id": "t", "actions": [{"value": value}]}

    user, _, customer = typed_customer(body('{"n":" Kunde ","c":"DE","e":"A@Kunde.DE"}'))
    assert (user, customer.name, customer.email) == ("UACME1", "Kunde", "a@kunde.de")
    for forged in (
        "",
        "not json",
        '{"n":"x","c":"de"}',
        '{"n":"","c":"DE","e":"a@b.de"}',
        '{"n":"x","c":"DE"}',
        '{"n":"x","c":"DE","e":"nope"}',
        "[1]",
    ):
        with pytest.raises(UnreadableRequest):
            typed_customer(body(forged))
