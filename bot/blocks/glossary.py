"""The product's words, one way each. Every builder (and the customer pages) says these
things in these words, so that a partner and a reviewer read the same thing everywhere.

- quota: "37 of 100 active" (the company's active registrations of its quota)
- a registration, for partners and reviewers alike: "Registration #12"
- ending a reservation on purpose: "delete" (never give up, release, withdraw)
- the statuses: STATUS below
"""

from __future__ import annotations

from bot.domain.model import Status

STATUS: dict[Status, str] = {
    Status.PENDING_REVIEW: "waiting for review",
    Status.PREREGISTERED: "pre-registered",
    Status.REJECTED: "rejected",
    Status.EXPIRED: "expired",
    Status.DELETED: "deleted",
    Status.ASSOCIATED: "associated",
}
"""How a status reads inside a sentence; `status_title` at the start of a line."""

DELETE = "Delete"
"""The one verb for ending a reservation on purpose, on every button and title."""


def quota(held: int, limit: int) -> str:
    """`37 of 100 active`."""
    return f"{held} of {limit} active"


def registration_ref(registration_id: int | None) -> str:
    """`Registration #12`: what partners and reviewers both call one registration."""
    return f"Registration #{registration_id}" if registration_id is not None else "Registration"


def status_word(status: Status | str) -> str:
    try:
        return STATUS[Status(status)]
    except ValueError:  # not one of ours: its own words, still readable
        return str(status).replace("_", " ")


def status_title(status: Status | str) -> str:
    word = status_word(status)
    return word[0].upper() + word[1:]
