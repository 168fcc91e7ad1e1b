"""What the partner block tests share: customers and forms at their limits, and checks that text is
inert."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.blocks.countries import country_codes, country_name
from bot.blocks.preregister import FormValues
from bot.domain.model import Customer, Reason, ReasonCode, Registration
from bot.domain.policy import Policy
from tests.blocks.review_helpers import EVIL, NOW

POLICY = Policy()
LONGEST_COUNTRY = max(country_codes(), key=lambda code: len(country_name(code)))
LONG_EMAIL = "x" * (320 - len("@example.com")) + "@example.com"
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


def block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = view["blocks"]
    (found,) = [b for b in blocks if b.get("block_id") == block_id]
    return found


def input_labels(view: dict[str, Any]) -> dict[str, str]:
    return {b["block_id"]: b["label"]["text"] for b in view["blocks"] if b["type"] == "input"}
