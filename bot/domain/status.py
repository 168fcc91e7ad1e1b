"""A registration's status, in a module of its own: the command line offers the statuses
as choices without loading the rest of the model (its events, its rules)."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    PENDING_REVIEW = "pending_review"
    PREREGISTERED = "preregistered"
    REJECTED = "rejected"
    EXPIRED = "expired"
    DELETED = "deleted"
    ASSOCIATED = "associated"
