"""Property tests of the modal parsers: each submission is a command, field errors or unreadable."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.blocks import preregister as ids
from bot.blocks.refusals import UnreadableRequest
from bot.domain.identity import is_country_code
from bot.handlers import payloads
from bot.handlers.forms import (
    CustomerForm,
    FieldErrors,
    form_values,
    parse_contact_form,
    parse_customer_form,
    parse_review_step,
    state_values,
)
from tests.handlers.payload_strategies import (
    BOUNDED,
    REFUSED_AT_THE_EDGE,
    _assert_id,
    _interaction,
    _view,
    clicks,
    outcome,
    submissions,
)


@BOUNDED
@given(clicks() | submissions())
def test_who_sent_it_and_from_which_view_is_read_or_unreadable(body: Any) -> None:
    user = outcome(payloads.user_of, body)
    if isinstance(user, str) and user != REFUSED_AT_THE_EDGE:
        assert re.fullmatch(r"[A-Z0-9]{1,32}", user)
    where = outcome(payloads.view_id, body)
    assert isinstance(where, str | UnreadableRequest)


@BOUNDED
@given(submissions())
@example(_interaction("view_submission", view={"id": "V1", "state": None}))  # was AttributeError
@example(
    _interaction(
        "view_submission",
        view={"id": "V1", "state": {"values": {"country": {"a": {"selected_options": []}}}}},
    )
)
@example(  # a forged multi-select where the country is chosen: it was read as the mobile's region
    _interaction(
        "view_submission",
        view={
            "id": "V1",
            "state": {
                "values": {
                    "country": {"value": {"selected_options": [{"value": "DE"}]}},
                    "mobile": {"value": {"value": "030 1234567"}},
                    "customer_name": {"value": {"value": "Kunde"}},
                }
            },
        },
    )
)
def test_the_preregistration_modal_is_a_customer_or_field_errors(body: Any) -> None:
    result = outcome(_view(parse_customer_form), body)
    if isinstance(result, CustomerForm):
        customer = result.customer()  # the domain accepts what the parser let through
        assert is_country_code(customer.country)
        assert 1 <= len(customer.name) <= ids.NAME_MAX
        assert len(customer.notes or "") <= ids.NOTES_MAX
    elif isinstance(result, FieldErrors):
        assert result.errors and all(isinstance(m, str) and m for m in result.errors.values())
        assert set(result.errors) <= set(state_values(body["view"])) | {
            ids.CUSTOMER_NAME,
            ids.COUNTRY,
            ids.EMAIL,
        }
    else:
        assert result == REFUSED_AT_THE_EDGE, result
    if result != REFUSED_AT_THE_EDGE:  # redrawing the form as typed never fails either
        form_values(body["view"], "DE")


@BOUNDED
@given(submissions())
def test_the_review_step_is_its_facts_with_notes_or_a_refusal(body: Any) -> None:
    def parse(view: dict[str, Any]) -> CustomerForm:
        return parse_review_step(view, payloads.review_step_facts(view))

    result = outcome(_view(parse), body)
    if isinstance(result, FieldErrors):
        assert set(result.errors) <= {ids.NOTES, ids.JUSTIFICATION}
    elif isinstance(result, CustomerForm):
        facts = json.loads(body["view"]["private_metadata"])
        assert (result.customer_name, result.country) == (facts["name"], facts["country"])


@BOUNDED
@given(submissions(), st.sampled_from(["DE", "FR", "US", "XX", ""]))
def test_the_contact_modal_is_a_contact_or_field_errors(body: Any, country: str) -> None:
    result = outcome(_view(lambda view: parse_contact_form(view, country)), body)
    if isinstance(result, FieldErrors):
        assert result.errors
    elif result != REFUSED_AT_THE_EDGE:
        assert result.email or result.mobile


@BOUNDED
@given(submissions())
def test_a_modal_names_one_registration_or_is_unreadable(body: Any) -> None:
    result = outcome(_view(payloads.metadata_id), body)
    if isinstance(result, int):
        _assert_id(result)
        assert str(result) == body["view"]["private_metadata"]


@pytest.mark.parametrize(
    "value", [None, [], ["1"], 7, {"value": "x"}, "x" * 5000, "<!channel>", "\x00"]
)
def test_typed_text_of_any_kind_is_read_as_text_by_the_modals_that_take_it(value: Any) -> None:
    # The opportunity title, the reject note, a question or an answer: read as plain text,
    # whatever the element held, before the use case checks its length.
    view = {"id": "V1", "state": {"values": {"b": {"a": {"type": "x", "value": value}}}}}
    body = _interaction("view_submission", view=view)
    read = outcome(_view(state_values), body)
    assert read == REFUSED_AT_THE_EDGE or read == {"b": value if value and value.strip() else None}
