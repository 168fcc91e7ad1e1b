"""A registration as its row stores it, and back: the one place that knows its columns."""

from __future__ import annotations

from typing import Any

from bot.adapters.orm import RegistrationRow
from bot.adapters.repositories.columns import (
    CONTACT,
    copy_named,
    customer_from_row,
    customer_to_row,
    named,
)
from bot.domain.model import Reason, ReasonCode, Registration, Status
from bot.domain.questions import Question

_CUSTOMER = (*CONTACT, "industry", "notes")
_SAME = (
    "partner_id",
    "justification",
    "created_at",
    "created_by",
    "valid_until",
    "review_due",
    "decided_by",
    "decided_at",
    "decision_note",
    "ended_at",
)


def registration_from_row(row: RegistrationRow) -> Registration:
    return Registration(
        **named(row, _SAME),
        id=row.id,
        customer=customer_from_row(row, _CUSTOMER),
        status=Status(row.status),
        reasons=tuple(reason_from_json(r) for r in row.reasons or ()),
        extensions=row.extensions or 0,
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
    copy_named(registration, row, _SAME)
    customer_to_row(registration.customer, row, _CUSTOMER)
    row.status = registration.status.value
    row.reasons = [reason_to_json(r) for r in registration.reasons]
    row.extensions = registration.extensions
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
