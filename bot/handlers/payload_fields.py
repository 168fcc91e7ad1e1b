"""The pieces every payload is read with: checked ids, the action envelope, strict digits.

A value that does not read is an `UnreadableRequest`: nothing of ours sends it.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, Field, ValidationError

from bot.blocks.refusals import UnreadableRequest

# Our ids are database integers; anything longer is not one of ours.
RegistrationId = Annotated[int, Field(ge=1, le=2**63 - 1, strict=False)]
M = TypeVar("M", bound=BaseModel)
SlackId = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Z0-9]+$")]
# How many extensions a button showed as taken (`12@1`): far beyond any policy's limit.
Seen = Annotated[int, Field(ge=0, le=999, strict=False)]


class User(BaseModel):
    id: SlackId


class _Clicked(BaseModel):
    value: str | None = None
    selected_option: dict[str, Any] | None = None


class Action(BaseModel):
    """A block action: who, the trigger for a modal, and the button or option used."""

    user: User
    trigger_id: str = ""
    actions: list[_Clicked] = Field(min_length=1)

    @property
    def value(self) -> str | None:
        return self.actions[0].value

    @property
    def option(self) -> str:
        """The chosen option's value ("" for none)."""
        return str((self.actions[0].selected_option or {}).get("value") or "")


def action(body: dict[str, Any]) -> Action:
    return read(Action, body)


def of_action(model: type[M], used: Action, /, **fields: object) -> M:
    """`model` read from the action's user and trigger and the `fields` taken from its value."""
    return read(model, {"user_id": used.user.id, "trigger_id": used.trigger_id, **fields})


def read(model: type[M], data: object) -> M:
    try:
        return model.model_validate(data)
    except ValidationError:
        raise UnreadableRequest() from None


def json_value(raw: object) -> object:
    """The JSON a value carries; None when it is not text or not JSON."""
    try:
        return json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        return None


def as_shown(value: object) -> tuple[str | None, str | None]:
    """`12` or `12@1`: the id, and the version it was shown at (None when not given); a
    malformed version makes the whole value unreadable."""
    text = value if isinstance(value, str) else None
    if text is None or "@" not in text:
        return digits(text), None
    number, _, seen = text.partition("@")
    return (digits(number), digits(seen)) if digits(seen) else (None, None)


def digits(value: object) -> str | None:
    # Only plain decimal digits: no signs, spaces, exponents or 10**30-long numbers.
    text = value if isinstance(value, str) else None
    return (
        text if text is not None and text.isascii() and text.isdigit() and len(text) <= 19 else None
    )
