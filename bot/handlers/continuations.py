"""The next-step buttons: Pre-register another / again, Edit details, Open my customers."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blocks.continuations import AGAIN, ANOTHER, EDIT_TYPED, OPEN_LIST, typed_from
from bot.blocks.preregister import FormValues, preregister_modal
from bot.handlers import manage, payloads
from bot.handlers.refusals import answered
from bot.services.context import Context
from bot.services.queries import GetOwnRegistration, GetStanding, own_registration, standing


def register(app: App) -> None:
    app.action(ANOTHER)(preregister_another)
    app.action(EDIT_TYPED)(edit_typed)
    app.action(OPEN_LIST)(open_list)
    app.action(AGAIN)(preregister_again)


def _show_form(body: dict[str, Any], client: WebClient, services: Context, typed: Any) -> None:
    """In the result modal the form replaces it; from a message it opens."""
    held = standing(GetStanding(payloads.user_of(body)), services)
    held.check()  # preconditions again: the quota may be reached meanwhile
    country = held.partner.country
    values = typed(country) if callable(typed) else FormValues(country=country)
    view = preregister_modal(country, values)
    shown = body.get("view") or {}
    if shown.get("type") == "modal":
        client.views_update(view_id=shown.get("id"), hash=shown.get("hash"), view=view)
    else:
        client.views_open(trigger_id=body["trigger_id"], view=view)


@answered
def preregister_another(
    ack: Ack, body: dict[str, Any], client: WebClient, services: Context
) -> None:
    ack()
    _show_form(body, client, services, None)


@answered
def edit_typed(ack: Ack, body: dict[str, Any], client: WebClient, services: Context) -> None:
    ack()
    value = (body.get("actions") or [{}])[0].get("value")
    _show_form(body, client, services, lambda country: typed_from(value, country))


@answered
def preregister_again(ack: Ack, body: dict[str, Any], client: WebClient, services: Context) -> None:
    ack()
    click = payloads.click(body)
    registration = own_registration(
        GetOwnRegistration(click.user_id, click.registration_id), services
    )
    _show_form(body, client, services, lambda _country: FormValues.of(registration.customer))


@answered
def open_list(ack: Ack, body: dict[str, Any], respond: Respond, services: Context) -> None:
    ack()
    manage.show_list(payloads.user_of(body), respond, services)
