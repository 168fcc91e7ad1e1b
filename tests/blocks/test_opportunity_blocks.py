"""The opportunity views: valid for Slack, inert for what partners typed, within limits."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from bot.blocks.opportunities import (
    currency_option_groups,
    opportunities_modal,
    opportunity_modal,
    summary_line,
)
from bot.domain.currencies import currencies
from bot.domain.model import Customer, Registration, Status
from bot.domain.opportunities import Opportunity, Stage
from tests.blocks.review_helpers import EVIL, RAW
from tests.slack_standin import view_problems

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)


def registration() -> Registration:
    customer = Customer(EVIL, "DE", email="it@kunde.de")
    return Registration("acme", customer, Status.PREREGISTERED, NOW, id=7)


def opportunity(n: int, stage: Stage = Stage.PROPOSAL, close: int = 1) -> Opportunity:
    return Opportunity(
        registration_id=7,
        name=f"{EVIL} {n}",
        amount=Decimal("1234.50"),
        currency="EUR",
        close_date=date(2027, 1, close),
        stage=stage,
        created_by="U1",
        created_at=NOW,
        notes=EVIL,
        id=n,
    )


def test_the_create_modal_is_valid_and_offers_every_currency() -> None:
    modal = opportunity_modal(registration(), date(2026, 11, 25))
    assert view_problems(modal) == []
    assert modal["private_metadata"] == "7"
    groups = currency_option_groups()
    assert all(len(g["options"]) <= 100 for g in groups)
    offered = [o["value"] for g in groups for o in g["options"]]
    assert offered == list(currencies())
    assert all(len(o["text"]["text"]) <= 75 for g in groups for o in g["options"])


def test_the_list_modal_is_valid_inert_and_bounded() -> None:
    many = [opportunity(n, close=1 + n % 28) for n in range(1, 60)]
    modal = opportunities_modal(registration(), many, notice="Moved.")
    assert view_problems(modal) == []
    assert len(modal["blocks"]) <= 100
    # plain_text is never parsed by Slack; every mrkdwn text carries the names escaped.
    shown = str([b["text"] for b in modal["blocks"] if b.get("text", {}).get("type") == "mrkdwn"])
    assert "&lt;!channel&gt;" in shown
    assert not any(raw in shown for raw in RAW)
    row = next(b for b in modal["blocks"] if b.get("block_id") == "opportunity-1")
    assert [o["value"] for o in row["accessory"]["options"]] == [
        "1:qualification",
        "1:negotiation",
        "1:won",
        "1:lost",
    ]


def test_the_summary_counts_open_ones_and_names_the_next() -> None:
    assert summary_line([]) is None
    line = summary_line(
        [opportunity(1, close=9), opportunity(2, close=3), opportunity(3, Stage.WON)]
    )
    assert line is not None
    assert "2 open opportunities (3 in all)" in line and " 2*" in line and "03 Jan 2027" in line
    assert not any(raw in line for raw in RAW)
    closed = summary_line([opportunity(1, Stage.LOST)])
    assert closed is not None and "0 open opportunities (1 in all)" in closed
