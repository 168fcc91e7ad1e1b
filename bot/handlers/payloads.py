"""What a button or a modal says it is about, read once and checked (pydantic).

Every value our own views put in a button, an overflow option or a modal's private_metadata
is parsed here before any use case runs; anything else is an `UnreadableRequest`, answered
at once in words.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from bot.blocks.refusals import UnreadableRequest
from bot.domain.identity import InvalidEmail, InvalidMobile, normalize_email, normalize_mobile
from bot.domain.model import Customer
from bot.handlers.payload_fields import (
    RegistrationId,
    Seen,
    SlackId,
    User,
    action,
    as_shown,
    digits,
    json_value,
    of_action,
    read,
)
from bot.services.review_queue import QueueFilter


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
    clicked = action(body)
    number, seen = as_shown(clicked.value)
    return of_action(Click, clicked, registration_id=number, seen=seen)


def menu_choice(body: dict[str, Any]) -> MenuChoice:
    chosen = action(body)
    kind, _, value = chosen.option.partition(":")
    number, seen = as_shown(value)
    return of_action(MenuChoice, chosen, action=kind, registration_id=number, seen=seen)


def metadata_id(view: dict[str, Any]) -> int:
    """The registration a modal is about, as its builder put it in private_metadata."""
    number = digits(view.get("private_metadata") if isinstance(view, dict) else None)
    return read(
        Click, {"user_id": "U", "trigger_id": "", "registration_id": number}
    ).registration_id


def user_of(body: dict[str, Any]) -> str:
    user = body.get("user") if isinstance(body, dict) else None
    return read(User, user if isinstance(user, dict) else {}).id


def chosen_ids(values: object) -> tuple[int, ...]:
    """The registrations picked in a multi-select; any value not one of ours is refused."""
    if values is None:
        return ()
    if not isinstance(values, list) or len(values) > 100:
        raise UnreadableRequest()
    ids = [read(_Chosen, {"id": digits(value)}).id for value in values]
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
    return read(_ReviewStepFacts, json_value(raw)).model_dump()


class HomePage(BaseModel):
    """A Home paging button's value, as bot.blocks.dashboard.page_value writes it."""

    s: Literal["", "waiting", "expiring", "active", "ended"] = ""
    p: int = Field(default=0, ge=0, le=10_000)
    q: str = Field(default="", max_length=100)


def home_page(body: dict[str, Any]) -> HomePage:
    return read(HomePage, json_value(action(body).value))


def queue_filter(body: dict[str, Any]) -> QueueFilter:
    """The part of the review queue a reviewer chose on App Home."""
    try:
        return QueueFilter(action(body).option)
    except ValueError:
        raise UnreadableRequest() from None


def home_search(body: dict[str, Any]) -> str:
    """What was typed in Home's search box (Enter dispatches it), trimmed."""
    return (action(body).value or "").strip()[:100]


class TypedCustomer(BaseModel):
    """A customer as the partner typed it, carried in a waiting-list button's value."""

    n: Annotated[str, Field(min_length=1, max_length=200)]
    c: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    e: Annotated[str, Field(max_length=320)] | None = None
    m: Annotated[str, Field(max_length=20)] | None = None


def typed_customer(body: dict[str, Any]) -> tuple[str, str, Customer]:
    """(user, trigger_id, customer) from a button whose value is a customer; re-normalized."""
    clicked = action(body)
    typed = read(TypedCustomer, json_value(clicked.value))
    try:
        email = normalize_email(typed.e) if typed.e else None
        mobile = normalize_mobile(typed.m, typed.c) if typed.m else None
        customer = Customer(typed.n.strip(), typed.c, email=email, mobile=mobile)
    except (ValueError, InvalidEmail, InvalidMobile):
        raise UnreadableRequest() from None
    return clicked.user.id, clicked.trigger_id, customer


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
    count = digits(warned or "0")
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
    chosen = action(body)
    number, _, stage = chosen.option.partition(":")
    return of_action(StageChoice, chosen, opportunity_id=digits(number), stage=stage)
