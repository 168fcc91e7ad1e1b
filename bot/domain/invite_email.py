"""How often the bot may write to a customer with an invitation: the cooldown after a send.

Two clicks on "Send email" a moment apart (a double click, or two colleagues) are two
requests with their own keys, so replay protection lets both through; this rule sends one.
It reads the times of the registration's earlier sends while its row is locked, so two
concurrent clicks are decided one after the other.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.errors import DomainError

EMAIL_COOLDOWN = timedelta(minutes=1)
"""After an invitation email, no other one to the same customer for this long."""


@dataclass(eq=False)
class EmailJustSent(DomainError):
    """An invitation email went to this address a moment ago."""

    said = "an invitation email went to {address} a moment ago"
    address: str
    sent_at: datetime
    next_at: datetime


def check_cooldown(
    address: str, sent: Iterable[datetime], now: datetime, cooldown: timedelta = EMAIL_COOLDOWN
) -> None:
    """Refuse when any earlier send lies within `cooldown` of `now`, on either side: a
    replica whose clock runs a little ahead must not open the door for a second email."""
    close = [at for at in sent if abs(now - at) < cooldown]
    if close:
        latest = max(close)
        raise EmailJustSent(address, latest, latest + cooldown)
