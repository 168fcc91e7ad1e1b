"""Publishing a user's App Home so that an older render never replaces a newer one.

Several publishers race for one user's Home: the outbox's refreshes (in each replica), and
the user's own opening, search and paging. Each render reads the state at that moment, but
a slow publish can reach Slack after a later one. So every publish passes Slack the hash of
the Home as our latest publish left it (views.publish `hash`), read before rendering: Slack
refuses it when anyone published since, and the loser renders again, from fresher state,
against the newer hash. A stored hash that no longer moves while Slack keeps refusing it
is stale (a publish whose hash was never stored: a crash in between, or Slack's own change)
and is dropped, so the Home never stays stuck.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.services.context import Context

View = dict[str, Any]

ATTEMPTS = 4


class HomeChanged(Exception):
    """Slack refused the publish: the Home changed since the hash we passed (hash_conflict)."""


class HomeContended(Exception):
    """Every attempt lost to a newer publish; the newest state is being shown by another."""


Publish = Callable[[View, str | None], str]
"""views.publish of the view for the user, with the hash (None: unconditional); the new hash.
Raises HomeChanged when Slack answers hash_conflict."""


def publish_home(user_id: str, render: Callable[[], View], publish: Publish, ctx: Context) -> View:
    """Render (now) and publish; the view published."""
    base = _stored(user_id, ctx)
    for _ in range(ATTEMPTS):
        view = render()  # after reading `base`: never older than what `base` shows
        try:
            new_hash = publish(view, base)
        except HomeChanged:
            latest = _stored(user_id, ctx)
            base = None if latest == base else latest
            continue
        with ctx.uow() as uow:
            uow.home_views.published(user_id, new_hash, ctx.now())
            uow.commit()
        return view
    raise HomeContended(user_id)


def _stored(user_id: str, ctx: Context) -> str | None:
    with ctx.uow() as uow:
        return uow.home_views.hash_of(user_id)
