"""The registration model: who holds which customer, in what state, until when.

By reason to change: the customer and its facts (customers), the partner company (partners),
what a registration holds (registration) and what may happen to it (transitions)."""

from __future__ import annotations

from bot.domain.model.customers import (
    ACTIVE_STATUSES,
    DELETABLE_STATUSES,
    Customer,
    CustomerFacts,
    Reason,
    ReasonCode,
    Site,
    Status,
)
from bot.domain.model.partners import Partner
from bot.domain.model.transitions import Registration
from bot.domain.opportunities import Opportunity

__all__ = [
    "ACTIVE_STATUSES",
    "DELETABLE_STATUSES",
    "Customer",
    "CustomerFacts",
    "Opportunity",
    "Partner",
    "Reason",
    "ReasonCode",
    "Registration",
    "Site",
    "Status",
]
