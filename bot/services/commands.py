"""Commands, and the addresses they share: who acts, and on what.

Every command is a `Command`: a frozen dataclass (bot.domain.frozen) named as its verb. One
that acts on a subject adds the fields of its own to a base below, which says which helper of
bot.services.records finds its subject and refuses when the caller may not act.
"""

from __future__ import annotations

from bot.domain.frozen import Frozen


class Command(Frozen):
    """What a use case is asked to do: `use_case(cmd, ctx)`."""


class OnRegistration(Command):
    """A partner user acting on one of its company's registrations (records.own_as)."""

    user_id: str
    registration_id: int


class OnReview(Command):
    """A reviewer acting on a registration's review (reviews.decidable)."""

    reviewer: str
    registration_id: int


class OnExtensionRequest(Command):
    """A reviewer acting on a partner's request for an extension."""

    reviewer: str
    request_id: int
