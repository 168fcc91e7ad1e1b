"""Requests carried out once: a replayed or double-sent request answers as the first did.

The edge takes a key from the request itself (a view's id and hash; a click's action_ts,
user and action_id; an invitation's token) and puts it in the command as `request_key`.
A use case that changes state, once it holds the lock on what it changes, asks `replayed`
for the first time's result; when there is none it does the work and `remember`s its
result in the same transaction, under the table's unique key. A concurrent twin waits on
that lock, then finds the key. A refused request stores nothing, so it is refused again.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from bot.services.commands import Command
from bot.services.context import Context
from bot.services.ports import UnitOfWork

KEPT = timedelta(days=7)
"""Long past any replay or retry Slack makes; the sweep forgets older keys."""


def _stored(use_case: str, key: str) -> str:
    # Fixed length whatever the request carried, and one use case's keys apart from another's.
    return hashlib.sha256(f"{use_case}\x00{key}".encode()).hexdigest()


def replayed(uow: UnitOfWork, use_case: str, key: str | None) -> dict[str, Any] | None:
    """The first time's result when this request was carried out already; else None."""
    if not key:
        return None
    return uow.request_keys.result(_stored(use_case, key))


def remember(uow: UnitOfWork, use_case: str, key: str | None, now: datetime, **result: Any) -> None:
    """Take the key with the result, in the caller's transaction (committed with the change)."""
    if key:
        uow.request_keys.add(_stored(use_case, key), use_case, result, now)


class PruneRequestKeys(Command):
    kept: timedelta = KEPT


def prune_request_keys(cmd: PruneRequestKeys, ctx: Context) -> int:
    """Forget keys older than `kept`, in one statement; how many."""
    with ctx.uow() as uow:
        pruned = uow.request_keys.prune(ctx.now() - cmd.kept)
        uow.commit()
        return pruned
