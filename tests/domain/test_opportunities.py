"""The opportunity's limits and stages, in the domain."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from bot.domain.currencies import currencies, is_currency
from bot.domain.opportunities import (
    InvalidOpportunity,
    OpportunityField,
    Stage,
    StageUnchanged,
    amount_of,
    checked,
    stage_of,
)

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)
TODAY = date(2026, 11, 25)


def make(**changes: Any) -> Any:
    fields: dict[str, Any] = {
        "registration_id": 1,
        "name": " Migration ",
        "amount": Decimal("1000.5"),
        "currency": "EUR",
        "close_date": TODAY,
        "stage": Stage.QUALIFICATION,
        "notes": "  ",
        "today": TODAY,
        "created_by": "U1",
        "now": NOW,
        **changes,
    }
    return checked(**fields)


def problems(**changes: Any) -> dict[OpportunityField, str]:
    with pytest.raises(InvalidOpportunity) as refused:
        make(**changes)
    return refused.value.problems


def test_a_good_one_is_trimmed_and_rounded_to_cents() -> None:
    made = make()
    assert (made.name, made.amount, made.notes) == ("Migration", Decimal("1000.50"), None)
    assert made.is_open and made.created_at == NOW


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"name": "  "}, {OpportunityField.NAME: "missing"}),
        ({"name": "x" * 201}, {OpportunityField.NAME: "too_long"}),
        ({"amount": Decimal(0)}, {OpportunityField.AMOUNT: "not_positive"}),
        ({"amount": Decimal("0.001")}, {OpportunityField.AMOUNT: "too_many_decimals"}),
        ({"amount": Decimal("1e12")}, {OpportunityField.AMOUNT: "too_large"}),
        ({"amount": Decimal("NaN")}, {OpportunityField.AMOUNT: "not_a_number"}),
        ({"currency": "eur"}, {OpportunityField.CURRENCY: "unknown"}),
        ({"currency": "XTS"}, {OpportunityField.CURRENCY: "unknown"}),
        ({"close_date": date(2026, 11, 24)}, {OpportunityField.CLOSE_DATE: "in_the_past"}),
        ({"close_date": date(2037, 1, 1)}, {OpportunityField.CLOSE_DATE: "too_far"}),
        ({"notes": "n" * 2001}, {OpportunityField.NOTES: "too_long"}),
        ({"stage": "won"}, {OpportunityField.STAGE: "unknown"}),
        (
            {"name": "", "currency": "ZZZ"},
            {OpportunityField.NAME: "missing", OpportunityField.CURRENCY: "unknown"},
        ),
    ],
)
def test_every_limit_is_named(
    changes: dict[str, Any], expected: dict[OpportunityField, str]
) -> None:
    assert problems(**changes) == expected


def test_typed_amounts_and_stages() -> None:
    assert amount_of(" 25,000.50 ") == Decimal("25000.50")
    for bad in ("", "abc", "inf", "1e", "NaN"):
        with pytest.raises(InvalidOpportunity):
            amount_of(bad)
    assert stage_of("won") is Stage.WON
    with pytest.raises(InvalidOpportunity):
        stage_of("Won")


def test_open_means_not_won_or_lost_and_a_move_must_change_the_stage() -> None:
    assert [s for s in Stage if s.is_open] == [
        Stage.QUALIFICATION,
        Stage.PROPOSAL,
        Stage.NEGOTIATION,
    ]
    made = make()
    moved = made.moved(Stage.LOST, NOW)
    assert not moved.is_open and moved.updated_at == NOW
    with pytest.raises(StageUnchanged):
        moved.moved(Stage.LOST, NOW)


def test_currencies_are_iso_4217_money_only() -> None:
    codes = currencies()
    assert {"EUR", "USD", "JPY", "CHF", "XOF"} <= set(codes)
    assert not {"XAU", "XTS", "XXX", "XDR"} & set(codes)
    assert all(is_currency(code) for code in codes) and not is_currency(None)
