"""Properties of every modal and action-value parser: whatever Slack (or a forger) sends, a
parser gives a clean result, field errors, or a named refusal (`UnreadableRequest`), and never
raises anything else.

The bodies start from the recorded submission (tests/fixtures/slack/) and from the button,
overflow and multi-select shapes our views build; hypothesis varies the values and the
structure (any node replaced by other JSON, or dropped). A body is first put through the
envelope check that runs before Bolt (bot.web.envelope, on both the HTTP and the Socket Mode
path): the parsers must cope with everything it lets through.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.blocks import manage as manage_ids
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
from bot.web import envelope

RECORDED: dict[str, Any] = json.loads(
    (Path(__file__).parent.parent / "fixtures/slack/preregister_submission.json").read_text()
)
BOUNDED = settings(max_examples=100, deadline=None)


def _trimmed(recorded: dict[str, Any]) -> dict[str, Any]:
    """The recording without most of its 250 country options: the same shape, a quicker draw."""
    body = copy.deepcopy(recorded)
    for block in body["view"]["blocks"]:
        groups = block.get("element", {}).get("option_groups")
        if groups:
            block["element"]["option_groups"] = [{**groups[0], "options": groups[0]["options"][:2]}]
    return body


BASE = _trimmed(RECORDED)

# -- values and structure -------------------------------------------------------------------

texts = st.text(max_size=30) | st.sampled_from(
    ["", " ", "<!channel>", "\x00", "٤٢", "+49 30 1234567", "a@b.de", "DE", "de", "XX", "1e3"]
)
id_texts = st.integers(-5, 10**20).map(str) | st.sampled_from(["00", "7 ", "+7", "9" * 19])
scalars = st.none() | st.booleans() | st.integers(-(10**30), 10**30) | texts | st.floats()
junk = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3)
)
values = id_texts | texts | scalars | junk


def _paths(node: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [at]
    if isinstance(node, dict):
        for key, child in node.items():
            found += _paths(child, (*at, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            found += _paths(child, (*at, index))
    return found


@st.composite
def varied(draw: st.DrawFn, base: Any) -> Any:
    """`base` with up to three of its nodes replaced by other JSON, or dropped."""
    body = copy.deepcopy(base)
    for _ in range(draw(st.integers(0, 3))):
        paths = _paths(body)
        path = draw(st.sampled_from(paths))
        if not path:
            return draw(junk)
        parent = body
        for step in path[:-1]:
            parent = parent[step]
        if isinstance(parent, dict) and draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(values)
    return body


def _interaction(kind: str, **rest: Any) -> dict[str, Any]:
    keep = ("team", "user", "api_app_id", "token", "trigger_id")
    return {"type": kind, **{key: BASE[key] for key in keep}, **rest}


def _block_action(**clicked: Any) -> dict[str, Any]:
    action = {"action_id": "x", "block_id": "b", "type": "button", "action_ts": "1.2", **clicked}
    return _interaction("block_actions", actions=[action], container={"type": "message"})


@st.composite
def clicks(draw: st.DrawFn) -> dict[str, Any]:
    """A button (value), an overflow (selected_option) or a Home search box, then varied."""
    value = draw(values)
    shape = draw(st.sampled_from(["value", "option", "option prefixed"]))
    if shape == "value":
        base = _block_action(value=value)
    else:
        prefix = draw(st.sampled_from(["delete", "opportunity", "invite", "extend", "x", ""]))
        shown = f"{prefix}:{value}" if shape == "option prefixed" else value
        base = _block_action(type="overflow", selected_option={"value": shown})
    return draw(varied(base))


@st.composite
def submissions(draw: st.DrawFn) -> dict[str, Any]:
    """The recorded submission with its inputs retyped, then varied."""
    body = copy.deepcopy(BASE)
    state = body["view"]["state"]["values"]
    for actions in state.values():
        element = actions["value"]
        if element["type"] == "static_select":
            element["selected_option"] = draw(st.none() | st.fixed_dictionaries({"value": values}))
        else:
            element["value"] = draw(st.none() | texts | st.integers(190, 3100).map("ä".__mul__))
    if draw(st.booleans()):  # the other inputs our modals carry
        name = draw(st.sampled_from([manage_ids.SELECTED, "title", "contact_email"]))
        state[name] = {
            "value": draw(
                st.fixed_dictionaries(
                    {"type": st.just("multi_static_select")},
                    optional={
                        "selected_options": st.lists(
                            st.fixed_dictionaries({"value": values}), max_size=4
                        ),
                        "value": texts,
                    },
                )
            )
        }
    body["view"]["private_metadata"] = draw(
        id_texts | texts | junk.map(json.dumps) | st.just(_FACTS)
    )
    return draw(varied(body))


_FACTS = json.dumps({"name": "Kunde GmbH", "country": "DE", "email": "a@kunde.de", "mobile": None})

# -- the property ---------------------------------------------------------------------------

REFUSED_AT_THE_EDGE = "refused at the edge"


def outcome(parse: Callable[[dict[str, Any]], Any], body: Any) -> Any:
    """What the request comes to: the envelope's refusal, a named refusal, or the result."""
    if envelope.problem(body) is not None:
        return REFUSED_AT_THE_EDGE
    try:
        return parse(body)
    except (UnreadableRequest, FieldErrors) as named:
        return named


def _view(parse: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, Any]], Any]:
    return lambda body: parse(body["view"])


def _assert_id(found: int) -> None:
    assert isinstance(found, int) and 1 <= found < 2**63


@BOUNDED
@given(clicks())
@example(_block_action(value="42"))
@example(_block_action(value="1" + "0" * 30))
def test_a_click_is_a_registration_of_ours_or_unreadable(body: Any) -> None:
    result = outcome(payloads.click, body)
    if isinstance(result, payloads.Click):
        _assert_id(result.registration_id)
        assert str(result.registration_id) == body["actions"][0]["value"]


@BOUNDED
@given(clicks())
@example(_block_action(selected_option={"value": "delete:7"}))
@example(_block_action(selected_option={"value": ["delete:7"]}))
def test_an_overflow_choice_is_one_we_offer_or_unreadable(body: Any) -> None:
    result = outcome(payloads.menu_choice, body)
    if isinstance(result, payloads.MenuChoice):
        _assert_id(result.registration_id)
        offered = body["actions"][0]["selected_option"]["value"]
        assert offered == f"{result.action}:{result.registration_id}"


@BOUNDED
@given(clicks())
@example(_block_action(value='{"s": "active", "p": 2, "q": "kunde"}'))
@example(_block_action(value='{"p": 1e400}'))
def test_home_paging_and_search_values_are_bounded_or_unreadable(body: Any) -> None:
    page = outcome(payloads.home_page, body)
    if isinstance(page, payloads.HomePage):
        assert 0 <= page.p <= 10_000 and len(page.q) <= 100
    search = outcome(payloads.home_search, body)
    if isinstance(search, str):
        assert len(search) <= 100 and search == search.strip()


@BOUNDED
@given(clicks())
@example(_block_action(value='{"n": "Kunde", "c": "DE", "e": "A@Kunde.de"}'))
@example(_block_action(value='{"n": "Kunde", "c": "DE", "m": "030 1234567"}'))
def test_a_waiting_list_value_is_a_checked_customer_or_unreadable(body: Any) -> None:
    result = outcome(payloads.typed_customer, body)
    if isinstance(result, tuple):
        _, _, customer = result
        assert 1 <= len(customer.name) <= ids.NAME_MAX and customer.name == customer.name.strip()
        assert is_country_code(customer.country)
        assert customer.email or customer.mobile


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


def _chosen(*chosen: str) -> dict[str, Any]:
    element = {"type": "multi_static_select", "selected_options": [{"value": v} for v in chosen]}
    state = {"values": {manage_ids.SELECTED: {"value": element}}}
    return _interaction("view_submission", view={"id": "V1", "state": state})


@BOUNDED
@given(submissions())
@example(_chosen("3", "1", "3"))
@example(_chosen("0"))  # was read as registration 0
@example(_chosen("9" * 19))  # was read as a number past PostgreSQL's bigint
def test_a_multi_select_names_registrations_of_ours_or_is_unreadable(body: Any) -> None:
    result = outcome(
        _view(lambda view: payloads.chosen_ids(state_values(view).get(manage_ids.SELECTED))),
        body,
    )
    if isinstance(result, tuple):
        assert len(result) <= 100 and len(set(result)) == len(result)
        for found in result:
            _assert_id(found)


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
