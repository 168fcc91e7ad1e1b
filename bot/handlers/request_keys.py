"""The key of a request, from the request itself (bot.services.idempotency): a replay of it,
or a double submit of the same view, carries the same key."""

from __future__ import annotations

from typing import Any

from bot.handlers.payloads import user_of

_KEY_PART = 200  # Slack's ids and timestamps are far shorter; anything longer is cut


def _part(value: object) -> str:
    return value[:_KEY_PART] if isinstance(value, str) else ""


def submission_key(body: dict[str, Any]) -> str | None:
    """A view submission: the view's id and hash, the same for a replay or a double submit
    of the same view (Slack changes the hash whenever the view changes)."""
    view = body.get("view") if isinstance(body, dict) else None
    if not isinstance(view, dict) or not _part(view.get("id")):
        return None
    return f"view:{_part(view.get('id'))}:{_part(view.get('hash'))}"


def action_key(body: dict[str, Any]) -> str | None:
    """A click: when it was made (action_ts), by whom, on which element."""
    actions = body.get("actions") if isinstance(body, dict) else None
    clicked = actions[0] if isinstance(actions, list) and actions else None
    if not isinstance(clicked, dict) or not _part(clicked.get("action_ts")):
        return None
    user = user_of(body)
    return f"action:{_part(clicked.get('action_ts'))}:{user}:{_part(clicked.get('action_id'))}"
