"""Refusals of the use cases, beside the domain's own (bot.domain.errors)."""

from __future__ import annotations

from bot.domain.errors import Refusal


class UnknownPartner(Refusal):
    """The Slack user (or id) is linked to no partner company."""

    def __init__(self, who: str) -> None:
        super().__init__(f'"{who}" belongs to no partner company')
        self.who = who


class RegistrationNotFound(Refusal):
    """No such registration, or not one this partner may see."""


class JustificationRequired(Refusal):
    """A review request needs the partner's written justification."""
