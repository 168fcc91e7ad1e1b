"""Shapes several listeners share: a registration's button, one that opens a modal once the
click is checked, and a modal whose one text field, required and bounded, is all its use case
needs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.handlers import payloads
from bot.handlers.forms import state_values
from bot.handlers.refusals import answered
from bot.services.context import Context

Listener = Callable[..., None]
# (user, registration id, services) -> the modal; raises a refusal when the click is stale.
ViewFor = Callable[[str, int, Context], dict[str, Any]]
# (user, the id in the modal's metadata, the text, services) -> the modal to show next, or
# None to close it.
TextSubmitted = Callable[[str, int, str, Context], dict[str, Any] | None]
Checked = TypeVar("Checked")
Found = TypeVar("Found")


@dataclass(frozen=True)
class Clicked:
    """A registration's button, read: which one who clicked, and where to answer."""

    click: payloads.Click
    body: dict[str, Any]
    client: WebClient
    respond: Respond
    services: Context


def on_click(act: Callable[[Clicked], None]) -> Listener:
    """A listener for a button whose value names a registration: acknowledged at once, then
    `act(clicked)`; a refusal is answered by @answered."""

    @answered
    def clicked(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, services: Context
    ) -> None:
        ack()
        act(Clicked(payloads.click(body), body, client, respond, services))

    return clicked


def opens_modal(view_for: ViewFor) -> Listener:
    """A listener for a registration's button: `view_for(user, registration id, services)`
    checks the click (raising a refusal) and builds the modal it opens."""

    def open_view(clicked: Clicked) -> None:
        click = clicked.click
        view = view_for(click.user_id, click.registration_id, clicked.services)
        clicked.client.views_open(trigger_id=click.trigger_id, view=view)

    return on_click(open_view)


def checked_view(
    check: Callable[[Checked, Context], Found],
    command: Callable[[str, int], Checked],
    view: Callable[[Found], dict[str, Any]],
) -> ViewFor:
    """A `ViewFor` from a use case that checks the click and the builder of the modal opened
    with what it found: `view(check(command(user, id), services))`."""

    def view_for(user: str, subject_id: int, services: Context) -> dict[str, Any]:
        return view(check(command(user, subject_id), services))

    return view_for


def submits_text(
    block_id: str, missing: str, limit: int, too_long: str = "This is too long."
) -> Callable[[TextSubmitted], Listener]:
    """A listener for a modal with one text field (see `typed_text`): once the text is good,
    `run(user, metadata id, text, services)` acts and says which modal replaces this one."""

    def listener(run: TextSubmitted) -> Listener:
        @answered
        def submitted(
            ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Context
        ) -> None:
            text = typed_text(ack, view, block_id, missing, limit, too_long)
            if text is None:
                return
            shown = run(payloads.user_of(body), payloads.metadata_id(view), text, services)
            if shown is None:
                ack()
            else:
                ack(response_action="update", view=shown)

        return submitted

    return listener


def typed_text(
    ack: Ack,
    view: dict[str, Any],
    block_id: str,
    missing: str,
    limit: int,
    too_long: str = "This is too long.",
    required: bool = True,
) -> str | None:
    """What was typed in `block_id`, stripped; None once a field error is answered, when it
    is empty (and `required`) or longer than `limit`."""
    text = str(state_values(view).get(block_id) or "").strip()
    problem = missing if required and not text else too_long if len(text) > limit else None
    if problem is not None:
        ack(response_action="errors", errors={block_id: problem})
        return None
    return text
