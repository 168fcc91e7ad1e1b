"""What the review block tests share: registrations in each state, and checks that blocks are valid
and inert."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.blocks.message import Message
from bot.domain.model import Customer, Partner, Reason, ReasonCode, Registration, Status
from tests.slack_standin import message_problems

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
DUE = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
DECIDED = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
VALID_UNTIL = DECIDED + timedelta(days=15)
REVIEWER = "UREVIEWER1"
PARTNER_USER = "UPARTNER1"
EVIL = "<!channel> <@U123> <http://evil|click> & co"
RAW = ("<!channel>", "<@U123>", "<http")
ALL_REASONS = (
    Reason(
        ReasonCode.DIRECT_SALES_FOLLOWUP,
        {"matched_on": "email", "has_spend": "true", "registered_at": "2026-10-01T08:00:00+00:00"},
    ),
    Reason(
        ReasonCode.COUNTRY_MISMATCH,
        {"customer_country": "DE", "partner_country": "FR", "source": "directory"},
    ),
    Reason(ReasonCode.ONLINE_SALES, {"matched_on": "mobile"}),
    Reason(ReasonCode.ASSOCIATED, {"matched_on": "email"}),
    Reason(ReasonCode.HELD_BY_OTHER_PARTNER, {"registration_id": "7"}),
    Reason(ReasonCode.ALREADY_YOURS),
    Reason(ReasonCode.CONTRACT, {"matched_on": "mobile"}),
    Reason(ReasonCode.SPEND_WITHOUT_FOLLOWUP, {"matched_on": "email"}),
    Reason(ReasonCode.REGISTERED, {"site": "cn", "matched_on": "email"}),
)


def partner(**changes: Any) -> Partner:
    base = Partner(
        id="p-acme",
        name="Acme Cloud Partners",
        country="FR",
        email="ops@acme.example",
        slack_user_ids=(PARTNER_USER,),
    )
    return replace(base, **changes)


def pending(**changes: Any) -> Registration:
    base = Registration(
        id=42,
        partner_id="p-acme",
        customer=Customer(
            name="Globex GmbH",
            country="DE",
            email="it@globex.example",
            mobile="+4930123456",
            industry="Manufacturing",
            notes="Met at the Berlin summit.",
        ),
        status=Status.PENDING_REVIEW,
        created_at=NOW,
        created_by=PARTNER_USER,
        reasons=ALL_REASONS[:3],
        justification="We have worked with them for a year.",
        review_due=DUE,
    )
    return replace(base, **changes)


def approved(**changes: Any) -> Registration:
    registration = pending()
    registration.approve(REVIEWER, DECIDED, timedelta(days=15))
    return replace(registration, **changes)


def rejected(reason: str = "Direct sales owns this account.", **changes: Any) -> Registration:
    registration = pending()
    registration.reject(REVIEWER, reason, DECIDED)
    return replace(registration, **changes)


def long_registration() -> Registration:
    customer = Customer(
        name="N" * 200,
        country="DE",
        email="e" * 308 + "@example.com",
        mobile="+4930123456",
        industry="I" * 200,
        notes="x" * 3000,
    )
    return pending(customer=customer, reasons=ALL_REASONS, justification="j" * 2000)


def hostile_registration() -> Registration:
    customer = Customer(name=EVIL, country="DE", email=EVIL, mobile=EVIL, industry=EVIL, notes=EVIL)
    reasons = (Reason(ReasonCode.ONLINE_SALES, {"matched_on": EVIL, EVIL: EVIL}),)
    return pending(customer=customer, justification=EVIL, created_by=EVIL, reasons=reasons)


# -- helpers ------------------------------------------------------------------


def texts(node: Any, kind: str | None = None) -> Iterator[str]:
    """Every text object's text (of one type, if given), anywhere in the blocks."""
    if isinstance(node, list):
        for item in node:
            yield from texts(item, kind)
    elif isinstance(node, dict):
        is_text = node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str)
        if is_text and (kind is None or node["type"] == kind):
            yield node["text"]
        for value in node.values():
            yield from texts(value, kind)


def everything(message: Message) -> str:
    return "\n".join([message.text, *texts(message.blocks)])


def assert_valid(message: Message) -> None:
    assert message.text.strip(), "a message always needs a fallback text"
    assert message_problems(message.text, message.blocks) == []
    assert len(message.blocks) <= 50
    for block in message.blocks:
        if block["type"] == "section":
            if "text" in block:
                assert len(block["text"]["text"]) <= 3000
            for field in block.get("fields", []):
                assert len(field["text"]) <= 2000
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        if block["type"] == "context":
            assert all(len(e["text"]) <= 3000 for e in block["elements"])


def assert_inert(message: Message) -> None:
    shown = "\n".join([message.text, *texts(message.blocks, "mrkdwn")])
    for raw in RAW:
        assert raw not in shown


def actions(message: Message) -> list[dict[str, Any]]:
    return [b for b in message.blocks if b["type"] == "actions"]
