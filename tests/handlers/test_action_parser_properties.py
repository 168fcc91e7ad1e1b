"""Property tests of the action parsers: a click, an overflow choice, paging values and a waiting
list value."""

from __future__ import annotations

from typing import Any

from hypothesis import example, given

from bot.blocks import manage as manage_ids
from bot.blocks import preregister as ids
from bot.domain.identity import is_country_code
from bot.handlers import payloads
from bot.handlers.forms import state_values
from tests.handlers import payload_strategies as strategies


@strategies.BOUNDED
@given(strategies.clicks())
@example(strategies._block_action(value="42"))
@example(strategies._block_action(value="1" + "0" * 30))
def test_a_click_is_a_registration_of_ours_or_unreadable(body: Any) -> None:
    result = strategies.outcome(payloads.click, body)
    if isinstance(result, payloads.Click):
        strategies._assert_id(result.registration_id)
        assert str(result.registration_id) == body["actions"][0]["value"]


@strategies.BOUNDED
@given(strategies.clicks())
@example(strategies._block_action(selected_option={"value": "delete:7"}))
@example(strategies._block_action(selected_option={"value": ["delete:7"]}))
def test_an_overflow_choice_is_one_we_offer_or_unreadable(body: Any) -> None:
    result = strategies.outcome(payloads.menu_choice, body)
    if isinstance(result, payloads.MenuChoice):
        strategies._assert_id(result.registration_id)
        offered = body["actions"][0]["selected_option"]["value"]
        assert offered == f"{result.action}:{result.registration_id}"


@strategies.BOUNDED
@given(strategies.clicks())
@example(strategies._block_action(value='{"s": "active", "p": 2, "q": "kunde"}'))
@example(strategies._block_action(value='{"p": 1e400}'))
def test_home_paging_and_search_values_are_bounded_or_unreadable(body: Any) -> None:
    page = strategies.outcome(payloads.home_page, body)
    if isinstance(page, payloads.HomePage):
        assert 0 <= page.p <= 10_000 and len(page.q) <= 100
    search = strategies.outcome(payloads.home_search, body)
    if isinstance(search, str):
        assert len(search) <= 100 and search == search.strip()


@strategies.BOUNDED
@given(strategies.clicks())
@example(strategies._block_action(value='{"n": "Kunde", "c": "DE", "e": "A@Kunde.de"}'))
@example(strategies._block_action(value='{"n": "Kunde", "c": "DE", "m": "030 1234567"}'))
def test_a_waiting_list_value_is_a_checked_customer_or_unreadable(body: Any) -> None:
    result = strategies.outcome(payloads.typed_customer, body)
    if isinstance(result, tuple):
        _, _, customer = result
        assert 1 <= len(customer.name) <= ids.NAME_MAX and customer.name == customer.name.strip()
        assert is_country_code(customer.country)
        assert customer.email or customer.mobile


def _chosen(*chosen: str) -> dict[str, Any]:
    element = {"type": "multi_static_select", "selected_options": [{"value": v} for v in chosen]}
    state = {"values": {manage_ids.SELECTED: {"value": element}}}
    return strategies._interaction("view_submission", view={"id": "V1", "state": state})


@strategies.BOUNDED
@given(strategies.submissions())
@example(_chosen("3", "1", "3"))
@example(_chosen("0"))  # was read as registration 0
@example(_chosen("9" * 19))  # was read as a number past PostgreSQL's bigint
def test_a_multi_select_names_registrations_of_ours_or_is_unreadable(body: Any) -> None:
    chosen = strategies._view(
        lambda view: payloads.chosen_ids(state_values(view).get(manage_ids.SELECTED))
    )
    result = strategies.outcome(chosen, body)
    if isinstance(result, tuple):
        assert len(result) <= 100 and len(set(result)) == len(result)
        for found in result:
            strategies._assert_id(found)
