"""A registration as its row stores it, and back: the one place that knows its columns."""

from __future__ import annotations

from typing import Any

from bot.adapters.orm import RegistrationRow
from bot.domain.model import Customer, Reason, ReasonCode, Registration, Status
from bot.domain.questions import Question


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
        extensions=row.extensions or 0,
        ended_at=row.ended_at,
        question=_question_from_row(row),
        extension_request=row.extension_request_id,
    )


def _question_from_row(row: RegistrationRow) -> Question | None:
    if row.question is None or row.question_asked_at is None:
        return None
    assert row.question_remind_at is not None and row.question_lapses_at is not None
    return Question(
        row.question,
        row.question_asked_by or "",
        row.question_asked_at,
        row.question_remind_at,
        row.question_lapses_at,
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
    row.extensions = registration.extensions
    row.ended_at = registration.ended_at
    question = registration.question
    row.question = question.text if question else None
    row.question_asked_by = question.asked_by if question else None
    row.question_asked_at = question.asked_at if question else None
    row.question_remind_at = question.remind_at if question else None
    row.question_lapses_at = question.lapses_at if question else None
    row.extension_request_id = registration.extension_request
    return row


def reason_to_json(reason: Reason) -> dict[str, Any]:
    return {"code": reason.code.value, "evidence": dict(reason.evidence)}


def reason_from_json(data: dict[str, Any]) -> Reason:
    return Reason(ReasonCode(data["code"]), dict(data.get("evidence") or {}))
