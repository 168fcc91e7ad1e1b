"""An opportunity: a deal a partner expects with a customer it holds, and its stage.

The limits a form promises are the domain's: the server checks every one of them again,
whatever the form let through.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from bot.domain.currencies import is_currency
from bot.domain.errors import DomainError

NAME_MAX = 200
NOTES_MAX = 2000
AMOUNT_MAX = Decimal("999999999999.99")  # under a trillion: more is a typing slip
AMOUNT_DECIMALS = 2
CLOSE_YEARS_MAX = 10  # a close date further out is a typing slip


class Stage(StrEnum):
    """In the order a deal moves through; Won and Lost close it."""

    QUALIFICATION = "qualification"
    PROPOSAL = "proposal"
    NEGOTIATION = "negotiation"
    WON = "won"
    LOST = "lost"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def is_open(self) -> bool:
        return self not in CLOSED


CLOSED = frozenset({Stage.WON, Stage.LOST})


class OpportunityField(StrEnum):
    """The fields of an opportunity, as a refusal names the one at fault."""

    NAME = "name"
    AMOUNT = "amount"
    CURRENCY = "currency"
    CLOSE_DATE = "close_date"
    STAGE = "stage"
    NOTES = "notes"


class InvalidOpportunity(DomainError):
    """Fields that break a limit, each with the limit it breaks (words at the edge)."""

    def __init__(self, problems: Mapping[OpportunityField, str]) -> None:
        super().__init__(", ".join(f"{f.value}: {p}" for f, p in problems.items()))
        self.problems = dict(problems)

    @property
    def field(self) -> OpportunityField:
        return next(iter(self.problems))


@dataclass(eq=False)
class StageUnchanged(DomainError):
    """The opportunity is already at that stage."""

    said = "already {stage.value}"
    stage: Stage


@dataclass(frozen=True)
class Opportunity:
    registration_id: int
    name: str
    amount: Decimal
    currency: str
    close_date: date
    stage: Stage
    created_by: str | None
    created_at: datetime
    notes: str | None = None
    updated_at: datetime | None = None
    id: int | None = None

    @property
    def is_open(self) -> bool:
        return self.stage.is_open

    def moved(self, stage: Stage, now: datetime) -> Opportunity:
        if stage is self.stage:
            raise StageUnchanged(stage)
        return replace(self, stage=stage, updated_at=now)


def amount_of(text: str) -> Decimal:
    """A typed amount (thousands commas allowed); its limits are checked by `checked`."""
    try:
        amount = Decimal(text.strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise InvalidOpportunity({OpportunityField.AMOUNT: "not_a_number"}) from None
    if not amount.is_finite():
        raise InvalidOpportunity({OpportunityField.AMOUNT: "not_a_number"})
    return amount


def stage_of(value: str) -> Stage:
    try:
        return Stage(value)
    except ValueError:
        raise InvalidOpportunity({OpportunityField.STAGE: "unknown"}) from None


def _amount_problem(amount: Decimal) -> str | None:
    if not amount.is_finite():
        return "not_a_number"
    if amount <= 0:
        return "not_positive"
    if amount > AMOUNT_MAX:
        return "too_large"
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -AMOUNT_DECIMALS:
        return "too_many_decimals"
    return None


def checked(
    *,
    registration_id: int,
    name: str,
    amount: Decimal,
    currency: str,
    close_date: date,
    stage: Stage,
    notes: str | None,
    today: date,
    created_by: str,
    now: datetime,
) -> Opportunity:
    """A new opportunity, every limit checked (`today` in the business's time zone); all the
    fields at fault are named at once."""
    name = name.strip()
    notes = (notes or "").strip() or None
    problems: dict[OpportunityField, str] = {}
    if not name:
        problems[OpportunityField.NAME] = "missing"
    elif len(name) > NAME_MAX:
        problems[OpportunityField.NAME] = "too_long"
    amount_problem = _amount_problem(amount)
    if amount_problem is not None:
        problems[OpportunityField.AMOUNT] = amount_problem
    if not is_currency(currency):
        problems[OpportunityField.CURRENCY] = "unknown"
    if close_date < today:
        problems[OpportunityField.CLOSE_DATE] = "in_the_past"
    elif close_date.year > today.year + CLOSE_YEARS_MAX:
        problems[OpportunityField.CLOSE_DATE] = "too_far"
    if not isinstance(stage, Stage):
        problems[OpportunityField.STAGE] = "unknown"
    if notes is not None and len(notes) > NOTES_MAX:
        problems[OpportunityField.NOTES] = "too_long"
    if problems:
        raise InvalidOpportunity(problems)
    return Opportunity(
        registration_id=registration_id,
        name=name,
        amount=amount.quantize(Decimal(1).scaleb(-AMOUNT_DECIMALS)),
        currency=currency,
        close_date=close_date,
        stage=stage,
        created_by=created_by,
        created_at=now,
        notes=notes,
    )
