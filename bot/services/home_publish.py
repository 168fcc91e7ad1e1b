"""Publishing a user's App Home so that an older render never replaces a newer one.

Several publishers race for one user's Home: the outbox's refreshes (in each replica), and
the user's own opening, search and paging. Each render reads the state at that moment, but
a slow publish can reach Slack after a later one. So every publish passes Slack the hash of
the Home as our latest publish left it (views.publish `hash`), read before rendering: Slack
refuses it when anyone published since, and the loser renders again, from fresher state,
against the newer hash. A stored hash that no longer moves while Slack keeps refusing it
is stale (a publish whose hash was never stored: a crash in between, or Slack's own change)
and is dropped, so the Home never stays stuck. Beside the hash is what the user chose to see
(a search, a section's page): every refresh renders the same until the user chooses again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.services.commands import Command
from bot.services.context import Context
from bot.services.dashboard import Section
from bot.services.errors import HomeContended
from bot.services.ports import HomeRecord

View = dict[str, Any]

ATTEMPTS = 4


class HomeChanged(Exception):
    """Slack refused the publish: the Home changed since the hash we passed (hash_conflict)."""


Publish = Callable[[View, str | None], str]
"""views.publish of the view for the user, with the hash (None: unconditional); the new hash.
Raises HomeChanged when Slack answers hash_conflict."""


@dataclass(frozen=True)
class HomeShown:
    """What the user chose to see on Home: kept for the refreshes that follow, so that a
    change elsewhere does not take a user back from the page or search they turned to."""

    search: str = ""
    only: Section | None = None
    page: int = 0


class PublishHome(Command):
    """Publish `user_id`'s App Home as `render` draws it now, through `publish`, showing what
    the user `chosen` (None: what they last chose).

    The drawing and Slack's views.publish come with the command, not from Context: the use
    case owns the ordering against the stored hash, the caller what is drawn and where."""

    user_id: str
    render: Callable[[HomeShown], View]
    publish: Publish
    chosen: HomeShown | None = None


def publish_home(cmd: PublishHome, ctx: Context) -> View:
    """Render (now) and publish; the view published."""
    user_id, render, publish, chosen = cmd.user_id, cmd.render, cmd.publish, cmd.chosen
    stored = _stored(user_id, ctx)
    base = stored.hash
    shown = chosen or _shown(stored)
    for _ in range(ATTEMPTS):
        view = render(shown)  # after reading `base`: never older than what `base` shows
        try:
            new_hash = publish(view, base)
        except HomeChanged:
            latest = _stored(user_id, ctx)
            base = None if latest.hash == base else latest.hash
            shown = chosen or _shown(latest)
            continue
        record = HomeRecord(new_hash, shown.search, shown.only or "", shown.page)
        with ctx.uow() as uow:
            uow.home_views.published(user_id, record, ctx.now())
            uow.commit()
        return view
    raise HomeContended(user_id)


def _stored(user_id: str, ctx: Context) -> HomeRecord:
    with ctx.read() as uow:
        return uow.home_views.latest(user_id)


def _shown(record: HomeRecord) -> HomeShown:
    only = Section(record.section) if record.section else None
    return HomeShown(record.search, only, record.page if only else 0)
