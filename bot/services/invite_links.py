"""Invitation links: a signed token naming the registration and the Slack user who sent it.

The token itself never expires: a link is valid exactly as long as its pre-registration,
which the use cases check against the database on every use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class InviteToken:
    registration_id: int
    sender: str
    """The partner's Slack user who sent the link (attribution, as the partner center tags
    each offline link with the operator's account)."""


class InviteTokens(Protocol):
    def sign(self, token: InviteToken) -> str: ...
    def verify(self, text: str) -> InviteToken | None:
        """None for a tampered, foreign (another secret) or malformed token."""
        ...


@dataclass(frozen=True)
class Invites:
    """What inviting needs besides the database: the signer, the public base, email or not."""

    tokens: InviteTokens
    base_url: str
    email: bool
    """SMTP_URL is set: invitations can be emailed."""

    def link(self, registration_id: int, sender: str) -> str:
        token = self.tokens.sign(InviteToken(registration_id, sender))
        return f"{self.base_url.rstrip('/')}/invite/{token}"
