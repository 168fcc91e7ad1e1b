"""The addresses commands share: who acts, and on what.

A command is still named as its verb and adds the fields of its own; the base says which
helper of bot.services.records finds its subject and refuses when the caller may not act.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OnRegistration:
    """A partner user acting on one of its company's registrations (records.own_as)."""

    user_id: str
    registration_id: int


@dataclass(frozen=True)
class OnReview:
    """A reviewer acting on a registration's review (reviews.decidable)."""

    reviewer: str
    registration_id: int


@dataclass(frozen=True)
class OnExtensionRequest:
    """A reviewer acting on a partner's request for an extension."""

    reviewer: str
    request_id: int
