"""Every listener answers a refusal the same way, through bot.blocks.refusals' one table.

A listener raises; `answered` turns the refusal into a field error or an updated modal for a
form or a button in a modal, a small modal over App Home, and an ephemeral reply for a
command or a button in a message.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from bot.blocks.notice import notice_modal
from bot.blocks.refusals import answer
from bot.domain.errors import Refusal
from bot.services.errors import ServiceBusy, ValueNotStorable

Listener = TypeVar("Listener", bound=Callable[..., None])

# Trouble that is not the partner's: the form stays as typed, the words under its first input.
_KEEP_TYPED = (ServiceBusy, ValueNotStorable)


def answered(listener: Listener) -> Listener:
    """Wrap a listener that takes `ack` (and `respond` outside forms) by name, as Bolt injects."""
    names = inspect.signature(listener).parameters
    if "ack" not in names:
        raise TypeError(f"{listener.__name__} must take ack to answer refusals")

    @functools.wraps(listener)
    def run(**kwargs: Any) -> None:
        try:
            listener(**kwargs)
        except Refusal as refused:
            _say(refused, kwargs)

    return run  # type: ignore[return-value]


def _say(refused: Refusal, kwargs: dict[str, Any]) -> None:
    said = answer(refused)
    ack = kwargs["ack"]
    body = kwargs.get("body") or {}
    if body.get("type") == "view_submission" and ack.response is None:
        if said.errors:
            ack(response_action="errors", errors=dict(said.errors))
            return
        field = said.field or (_first_input(body) if isinstance(refused, _KEEP_TYPED) else None)
        if field is not None:
            ack(response_action="errors", errors={field: said.message.text})
        else:
            ack(response_action="update", view=notice_modal(said.title, said.message))
        return
    if ack.response is None:
        ack()
    view = body.get("view") or {}
    client = kwargs.get("client")
    if view.get("type") == "modal" and client is not None and view.get("id"):
        # A button in a modal: the answer takes the modal's place, where the user looks.
        client.views_update(view_id=view["id"], view=notice_modal(said.title, said.message))
        return
    if view.get("type") == "home" and client is not None and body.get("trigger_id"):
        # App Home has no place for a reply: the answer opens as a small modal.
        client.views_open(
            trigger_id=body["trigger_id"], view=notice_modal(said.title, said.message)
        )
        return
    respond = kwargs.get("respond")
    # A button in a modal or a DM without a response_url has nowhere to reply.
    if respond is not None and getattr(respond, "response_url", None):
        respond(replace_original=False, response_type="ephemeral", **said.message.as_kwargs())


def _first_input(body: dict[str, Any]) -> str | None:
    blocks = (body.get("view") or {}).get("blocks") or []
    for block in blocks:
        if isinstance(block, dict) and block.get("type") == "input" and block.get("block_id"):
            return str(block["block_id"])
    return None
