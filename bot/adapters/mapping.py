"""Rows ↔ domain objects, in one place."""

from __future__ import annotations

from typing import Any

from bot.adapters.orm import DirectoryEntryRow, RegistrationRow
from bot.domain.model import (
    Customer,
    CustomerFacts,
    Reason,
    ReasonCode,
    Registration,
    Site,
    Status,
)


def registration_from_row(row: RegistrationRow) -> Registration:
    return Registration(
        id=row.id,
        partner_id=row.partner_id,
        customer=Customer(
            name=row.customer_name,
            country=row.country,
            email=row.email,
            mobile=row.mobile,
            industry=row.industry,
            notes=row.notes,
        ),
        status=Status(row.status),
        created_at=row.created_at,
        created_by=row.created_by,
        reasons=tuple(reason_from_json(r) for r in row.reasons or ()),
        justification=row.justification,
        valid_until=row.valid_until,
        review_due=row.review_due,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        decision_note=row.decision_note,
    )


def registration_to_row(registration: Registration, row: RegistrationRow) -> RegistrationRow:
    customer = registration.customer
    row.partner_id = registration.partner_id
    row.customer_name = customer.name
    row.email = customer.email
    row.mobile = customer.mobile
    row.country = customer.country
    row.industry = customer.industry
    row.notes = customer.notes
    row.status = registration.status.value
    row.reasons = [reason_to_json(r) for r in registration.reasons]
    row.justification = registration.justification
    row.created_at = registration.created_at
    row.created_by = registration.created_by
    row.valid_until = registration.valid_until
    row.review_due = registration.review_due
    row.decided_by = registration.decided_by
    row.decided_at = registration.decided_at
    row.decision_note = registration.decision_note
    return row


def reason_to_json(reason: Reason) -> dict[str, Any]:
    return {"code": reason.code.value, "evidence": dict(reason.evidence)}


def reason_from_json(data: dict[str, Any]) -> Reason:
    return Reason(ReasonCode(data["code"]), dict(data.get("evidence") or {}))


def facts_from_row(row: DirectoryEntryRow) -> CustomerFacts:
    return CustomerFacts(
        email=row.email,
        mobile=row.mobile,
        name=row.name,
        site=Site(row.site) if row.site else None,
        registered_at=row.registered_at,
        country=row.country,
        associated_partner_id=row.associated_partner_id,
        has_contract=row.has_contract,
        has_spend=row.has_spend,
        direct_sales_followup=row.direct_sales_followup,
        online_sales=row.online_sales,
    )


def facts_values(facts: CustomerFacts) -> dict[str, Any]:
    return {
        "email": facts.email,
        "mobile": facts.mobile,
        "name": facts.name,
        "site": facts.site.value if facts.site else None,
        "registered_at": facts.registered_at,
        "country": facts.country,
        "associated_partner_id": facts.associated_partner_id,
        "has_contract": facts.has_contract,
        "has_spend": facts.has_spend,
        "direct_sales_followup": facts.direct_sales_followup,
        "online_sales": facts.online_sales,
    }


def directory_key(facts: CustomerFacts) -> str:
    """An account is known by its email, or by its mobile when it has none."""
    if facts.email:
        return facts.email
    if facts.mobile:
        return f"tel:{facts.mobile}"
    raise ValueError("a directory entry needs an email or a mobile")
