"""What a button or a modal says it is about, read once and checked (pydantic).

Every value our own views put in a button, an overflow option or a modal's private_metadata
is parsed here before any use case runs; anything else is an `UnreadableRequest`, answered
at once in words.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, Field, ValidationError

from bot.blocks.refusals import UnreadableRequest
from bot.domain.identity import InvalidEmail, InvalidMobile, normalize_email, normalize_mobile
from bot.domain.model import Customer
from bot.services.review_queue import QueueFilter

# Our ids are database integers; anything longer is not one of ours.
RegistrationId = Annotated[int, Field(ge=1, le=2**63 - 1, strict=False)]
M = TypeVar("M", bound=BaseModel)
SlackId = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Z0-9]+$")]


class _User(BaseModel):
    id: SlackId


class _Clicked(BaseModel):
    value: str | None = None
    selected_option: dict[str, Any] | None = None


class _Action(BaseModel):
    user: _User
    trigger_id: str = ""
    actions: list[_Clicked] = Field(min_length=1)


# How many extensions a button showed as taken (`12@1`): far beyond any policy's limit.
Seen = Annotated[int, Field(ge=0, le=999, strict=False)]


class Click(BaseModel):
    """A button whose value names a registration (`12`), perhaps as it was shown (`12@1`)."""

    user_id: SlackId
    trigger_id: str
    registration_id: RegistrationId
    seen: Seen | None = None


class MenuChoice(BaseModel):
    """An option of a customer's overflow menu: `invite:12`, `delete:12`, `opportunity:12`,
    `extend:12`."""

    user_id: SlackId
    trigger_id: str
    action: Literal[
        "invite", "delete", "opportunity", "opportunities", "extend", "request_extension"
    ]
    registration_id: RegistrationId
    seen: Seen | None = None


def click(body: dict[str, Any]) -> Click:
    action = _read(_Action, body)
    number, seen = _as_shown(action.actions[0].value)
    return _read(
        Click,
        {
            "user_id": action.user.id,
            "trigger_id": action.trigger_id,
            "registration_id": number,
            "seen": seen,
        },
    )


def menu_choice(body: dict[str, Any]) -> MenuChoice:
    action = _read(_Action, body)
    option = action.actions[0].selected_option or {}
    kind, _, value = str(option.get("value") or "").partition(":")
    number, seen = _as_shown(value)
    return _read(
        MenuChoice,
        {
            "user_id": action.user.id,
            "trigger_id": action.trigger_id,
            "action": kind,
            "registration_id": number,
            "seen": seen,
        },
    )


def metadata_id(view: dict[str, Any]) -> int:
    """The registration a modal is about, as its builder put it in private_metadata."""
    digits = _digits(view.get("private_metadata") if isinstance(view, dict) else None)
    return _read(
        Click, {"user_id": "U", "trigger_id": "", "registration_id": digits}
    ).registration_id


def user_of(body: dict[str, Any]) -> str:
    user = body.get("user") if isinstance(body, dict) else None
    return _read(_User, user if isinstance(user, dict) else {}).id


def _as_shown(value: object) -> tuple[str | None, str | None]:
    """`12` or `12@1`: the id, and the version it was shown at (None when not given); a
    malformed version makes the whole value unreadable."""
    text = value if isinstance(value, str) else None
    if text is None or "@" not in text:
        return _digits(text), None
    number, _, seen = text.partition("@")
    return (_digits(number), _digits(seen)) if _digits(seen) else (None, None)


def _digits(value: object) -> str | None:
    # Only plain decimal digits: no signs, spaces, exponents or 10**30-long numbers.
    text = value if isinstance(value, str) else None
    return (
        text if text is not None and text.isascii() and text.isdigit() and len(text) <= 19 else None
    )


def _read(model: type[M], data: object) -> M:
    try:
        return model.model_validate(data)
    except ValidationError:
        raise UnreadableRequest() from None


def chosen_ids(values: object) -> tuple[int, ...]:
    """The registrations picked in a multi-select; any value not one of ours is refused."""
    if values is None:
        return ()
    if not isinstance(values, list) or len(values) > 100:
        raise UnreadableRequest()
    ids = [_read(_Chosen, {"id": _digits(value)}).id for value in values]
    return tuple(dict.fromkeys(ids))


class _Chosen(BaseModel):
    id: RegistrationId


class _ReviewStepFacts(BaseModel):
    """The customer a review step was decided on, as its builder put it in private_metadata."""

    name: str = Field(min_length=1, max_length=200)
    country: str = Field(min_length=2, max_length=2)
    email: str | None = Field(default=None, max_length=320)
    mobile: str | None = Field(default=None, max_length=50)
    industry: str | None = Field(default=None, max_length=100)


def review_step_facts(view: dict[str, Any]) -> dict[str, Any]:
    raw = view.get("private_metadata") if isinstance(view, dict) else None
    try:
        data = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        data = None
    return _read(_ReviewStepFacts, data).model_dump()


class HomePage(BaseModel):
    """A Home paging button's value, as bot.blocks.dashboard.page_value writes it."""

    s: Literal["", "waiting", "expiring", "active", "ended"] = ""
    p: int = Field(default=0, ge=0, le=10_000)
    q: str = Field(default="", max_length=100)


def home_page(body: dict[str, Any]) -> HomePage:
    action = _read(_Action, body)
    try:
        data = json.loads(action.actions[0].value or "")
    except ValueError:
        data = None
    return _read(HomePage, data)


def queue_filter(body: dict[str, Any]) -> QueueFilter:
    """The part of the review queue a reviewer chose on App Home."""
    action = _read(_Action, body)
    value = (action.actions[0].selected_option or {}).get("value")
    try:
        return QueueFilter(str(value))
    except ValueError:
        raise UnreadableRequest() from None


def home_search(body: dict[str, Any]) -> str:
    """What was typed in Home's search box (Enter dispatches it), trimmed."""
    action = _read(_Action, body)
    return (action.actions[0].value or "").strip()[:100]


class TypedCustomer(BaseModel):
    """A customer as the partner typed it, carried in a waiting-list button's value."""

    n: Annotated[str, Field(min_length=1, max_length=200)]
    c: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    e: Annotated[str, Field(max_length=320)] | None = None
    m: Annotated[str, Field(max_length=20)] | None = None


def typed_customer(body: dict[str, Any]) -> tuple[str, str, Customer]:
    """(user, trigger_id, customer) from a button whose value is a customer; re-normalized."""
    action = _read(_Action, body)
    try:
        data = json.loads(action.actions[0].value or "")
    except ValueError:
        raise UnreadableRequest() from None
    typed = _read(TypedCustomer, data)
    try:
        email = normalize_email(typed.e) if typed.e else None
        mobile = normalize_mobile(typed.m, typed.c) if typed.m else None
        customer = Customer(typed.n.strip(), typed.c, email=email, mobile=mobile)
    except (ValueError, InvalidEmail, InvalidMobile):
        raise UnreadableRequest() from None
    return action.user.id, action.trigger_id, customer


def view_id(body: dict[str, Any]) -> str:
    view = body.get("view") if isinstance(body, dict) else None
    found = view.get("id") if isinstance(view, dict) else None
    if not isinstance(found, str) or not found:
        raise UnreadableRequest()
    return found


def delete_metadata(view: dict[str, Any]) -> tuple[int, int]:
    """(registration, open opportunities it warned of) from the delete confirmation."""
    raw = view.get("private_metadata") if isinstance(view, dict) else None
    number, _, warned = (raw if isinstance(raw, str) else "").partition(":")
    registration_id = metadata_id({"private_metadata": number})
    count = _digits(warned or "0")
    if count is None or int(count) > 10_000:
        raise UnreadableRequest()
    return registration_id, int(count)


class StageChoice(BaseModel):
    """An opportunity's stage menu: `12:proposal`."""

    user_id: SlackId
    trigger_id: str
    opportunity_id: RegistrationId
    stage: str = Field(min_length=1, max_length=20)


def stage_choice(body: dict[str, Any]) -> StageChoice:
    action = _read(_Action, body)
    option = action.actions[0].selected_option or {}
    number, _, stage = str(option.get("value") or "").partition(":")
    return _read(
        StageChoice,
        {
            "user_id": action.user.id,
            "trigger_id": action.trigger_id,
            "opportunity_id": _digits(number),
            "stage": stage,
        },
    )
