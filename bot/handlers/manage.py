"""`/preregister list` and `delete`, and the per-customer menu: delete, create opportunity."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blocks import manage as ids
from bot.blocks.manage import (
    delete_confirm_modal,
    delete_many_modal,
    deleted_view,
    done_view,
    list_message,
    opportunity_modal,
)
from bot.blocks.preregister import not_linked_message
from bot.blocks.text import escape
from bot.domain.errors import DomainError
from bot.handlers.forms import state_values
from bot.services.context import Context
from bot.services.errors import OpportunityNotAllowed, UnknownPartner
from bot.services.partners import partner_for_user
from bot.services.registrations import (
    create_opportunity,
    delete,
    delete_many,
    list_registrations,
    own_registration,
    standing_of_user,
)

REFUSED_DELETE = "Pending reviews and associated customers can't be deleted."


def register(app: App) -> None:
    app.action(ids.MANAGE)(menu_chosen)
    app.view(ids.DELETE_CONFIRM)(delete_confirmed)
    app.view(ids.DELETE_MANY)(delete_many_submitted)
    app.view(ids.OPPORTUNITY)(opportunity_submitted)


def show_list(user_id: str, respond: Respond, services: Context) -> None:
    try:
        standing = standing_of_user(user_id, services.uow(), services.policy, services.now())
    except UnknownPartner:
        respond(**not_linked_message(user_id).as_kwargs())
        return
    registrations = list_registrations(standing.partner.id, services.uow())
    respond(**list_message(registrations, standing.quota, services.now()).as_kwargs())


def open_delete_many(
    user_id: str, trigger_id: str, client: WebClient, respond: Respond, services: Context
) -> None:
    try:
        partner = partner_for_user(user_id, services.uow())
    except UnknownPartner:
        respond(**not_linked_message(user_id).as_kwargs())
        return
    registrations = list_registrations(partner.id, services.uow())
    client.views_open(trigger_id=trigger_id, view=delete_many_modal(registrations))


def menu_chosen(ack: Ack, body: dict[str, Any], client: WebClient, services: Context) -> None:
    ack()
    user_id = body["user"]["id"]
    kind, _, number = body["actions"][0]["selected_option"]["value"].partition(":")
    partner = partner_for_user(user_id, services.uow())
    registration = own_registration(int(number), partner.id, services.uow())
    view = (
        opportunity_modal(registration)
        if kind == ids.OPPORTUNITY
        else (delete_confirm_modal(registration))
    )
    client.views_open(trigger_id=body["trigger_id"], view=view)


def delete_confirmed(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Context
) -> None:
    user_id = body["user"]["id"]
    try:
        partner = partner_for_user(user_id, services.uow())
        done = delete(
            int(view["private_metadata"]), partner.id, user_id, services.uow(), services.now()
        )
    except DomainError:
        ack(response_action="update", view=done_view("Not deleted", REFUSED_DELETE))
        return
    text = f"*{escape(done.customer.name)}* is deleted and released."
    ack(response_action="update", view=done_view("Deleted", text))


def delete_many_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Context
) -> None:
    user_id = body["user"]["id"]
    chosen = [int(value) for value in state_values(view).get(ids.SELECTED) or []]
    if not chosen:
        ack(response_action="errors", errors={ids.SELECTED: "Choose at least one customer."})
        return
    partner = partner_for_user(user_id, services.uow())
    results = delete_many(chosen, partner.id, user_id, services.uow(), services.now())
    done = [str(r.registration_id) for r in results if r.error is None]
    refused = [f"#{r.registration_id}: {REFUSED_DELETE}" for r in results if r.error is not None]
    ack(response_action="update", view=deleted_view(done, refused))


def opportunity_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Context
) -> None:
    user_id = body["user"]["id"]
    title = (state_values(view).get(ids.TITLE) or "").strip()
    if not title:
        ack(response_action="errors", errors={ids.TITLE: "Give the opportunity a title."})
        return
    partner = partner_for_user(user_id, services.uow())
    try:
        opportunity = create_opportunity(
            int(view["private_metadata"]),
            partner.id,
            title,
            user_id,
            services.uow(),
            services.now(),
        )
    except OpportunityNotAllowed:
        ack(
            response_action="errors",
            errors={ids.TITLE: "Opportunities need a pre-registered or associated customer."},
        )
        return
    text = f"Opportunity *{escape(opportunity.title)}* created."
    ack(response_action="update", view=done_view("Opportunity created", text))
