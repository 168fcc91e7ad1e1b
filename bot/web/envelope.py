"""The shape of what Slack sends, checked before Bolt dispatches to any listener.

Slack's envelopes are small and regular; anything else is refused here with a reason, so that a
listener never meets a body whose `user`, `actions` or `view` is missing or of another type.
The values inside (button values, form fields) are the listeners' to parse.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

MAX_DEPTH = 32
"""Slack's payloads nest about a dozen levels deep (a view's blocks and state)."""

Id = Annotated[str, Field(min_length=1, max_length=255)]
Text = Annotated[str, Field(max_length=4000)]


class _Shape(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class _User(_Shape):
    id: Id


class _Action(_Shape):
    action_id: Id
    block_id: Id | None = None
    type: Id | None = None
    value: Text | None = None


class _Option(_Shape):
    value: Annotated[str, Field(max_length=2000)]


class _Input(_Shape):
    """One element's state: Slack gives each kind of element its value in one typed key."""

    type: Id | None = None
    value: Text | None = None
    selected_option: _Option | None = None
    selected_options: list[_Option] | None = None
    selected_date: Annotated[str, Field(max_length=32)] | None = None
    selected_user: Id | None = None
    selected_users: list[Id] | None = None
    selected_conversation: Id | None = None
    selected_channel: Id | None = None


class _State(_Shape):
    values: dict[str, dict[str, _Input]]


class _View(_Shape):
    id: Id
    callback_id: Annotated[str, Field(max_length=255)] = ""
    private_metadata: Annotated[str, Field(max_length=3000)] = ""
    state: _State | None = None
    blocks: list[dict[str, Any]] = []


class _Channel(_Shape):
    id: Id


class _Interaction(_Shape):
    type: Id
    user: _User
    trigger_id: Id | None = None
    response_url: Annotated[str, Field(max_length=2000)] | None = None
    channel: _Channel | None = None
    message: dict[str, Any] | None = None
    container: dict[str, Any] | None = None


class _BlockActions(_Interaction):
    actions: Annotated[list[_Action], Field(min_length=1, max_length=25)]
    view: _View | None = None


class _ViewSubmission(_Interaction):
    view: _View


class _BlockSuggestion(_Interaction):
    action_id: Id
    block_id: Id | None = None
    value: Text = ""


class _Shortcut(_Interaction):
    callback_id: Id


class _Event(_Shape):
    type: Id


class _EventCallback(_Shape):
    type: Id
    event: _Event


class _UrlVerification(_Shape):
    type: Id
    challenge: Annotated[str, Field(max_length=500)]


class _Command(_Shape):
    command: Annotated[str, Field(min_length=2, max_length=64, pattern=r"^/")]
    user_id: Id
    text: Text = ""
    trigger_id: Id  # Slack sends one with every command
    channel_id: Id | None = None


SHAPES: dict[str, type[_Shape]] = {
    "block_actions": _BlockActions,
    "view_submission": _ViewSubmission,
    "view_closed": _ViewSubmission,
    "block_suggestion": _BlockSuggestion,
    "shortcut": _Shortcut,
    "message_action": _Shortcut,
    "event_callback": _EventCallback,
    "url_verification": _UrlVerification,
    "app_rate_limited": _Shape,
}


def problem(body: Any) -> str | None:
    """Why `body` (as Bolt would parse it) is not one of Slack's envelopes, or None."""
    if not isinstance(body, dict):
        return f"the payload is a {type(body).__name__}, not an object"
    if too_deep(body):
        return f"the payload nests deeper than {MAX_DEPTH} levels"
    if "command" in body:
        shape: type[_Shape] = _Command
    elif body.get("ssl_check") == "1":
        return None
    else:
        kind = body.get("type")
        if not isinstance(kind, str) or kind not in SHAPES:
            return "unknown payload type"
        shape = SHAPES[kind]
    try:
        shape.model_validate(body)
    except ValidationError as invalid:
        where = ".".join(str(part) for part in invalid.errors()[0]["loc"])
        return f"{where or 'payload'}: {invalid.errors()[0]['msg']}"[:200]
    return None


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Iterative, so that no depth of nesting can exhaust the stack."""
    level: list[Any] = [value]
    for _ in range(limit + 1):
        children: list[Any] = []
        for node in level:
            if isinstance(node, dict):
                children.extend(node.values())
            elif isinstance(node, list):
                children.extend(node)
        if not children:
            return False
        level = children
    return True


def fields_with_nul(body: dict[str, Any]) -> list[str]:
    """The block ids of a submitted view whose values contain a NUL character."""
    view = body.get("view") or {}
    values = (view.get("state") or {}).get("values") or {}
    return [block_id for block_id, actions in values.items() if has_nul(actions)]


def has_nul(value: Any) -> bool:
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if "\x00" in node:
                return True
        elif isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False
