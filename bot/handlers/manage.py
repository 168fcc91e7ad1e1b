"""`/preregister list` and `delete`, and the per-customer menu: invite, delete, create
opportunity."""

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
from bot.blocks.notice import notice_modal
from bot.blocks.refusals import answer
from bot.blocks.reminders import extended_message
from bot.blocks.rows import EXTEND
from bot.blocks.text import escape
from bot.handlers import invite, payloads
from bot.handlers.forms import state_values
from bot.handlers.refusals import answered
from bot.services.context import Context
from bot.services.dashboard import searched
from bot.services.queries import (
    GetOwnRegistration,
    GetStanding,
    ListRegistrations,
    list_registrations,
    own_registration,
    standing,
)
from bot.services.registrations import (
    CreateOpportunity,
    Delete,
    DeleteMany,
    Extend,
    create_opportunity,
    delete,
    delete_many,
    extend,
)

TITLE_MAX = 200  # as the modal's input caps it; checked again here


def register(app: App) -> None:
    app.action(ids.MANAGE)(menu_chosen)
    app.view(ids.DELETE_CONFIRM)(delete_confirmed)
    app.view(ids.DELETE_MANY)(delete_many_submitted)
    app.view(ids.OPPORTUNITY)(opportunity_submitted)


def show_list(user_id: str, respond: Respond, services: Context, search: str = "") -> None:
    held = standing(GetStanding(user_id), services)
    listing = list_registrations(ListRegistrations(user_id), services)
    rows = searched(listing.registrations, search)
    message = list_message(rows, held.quota, services.now(), services.policy, search)
    respond(**message.as_kwargs())


def open_delete_many(user_id: str, trigger_id: str, client: WebClient, services: Context) -> None:
    listing = list_registrations(ListRegistrations(user_id), services)
    client.views_open(trigger_id=trigger_id, view=delete_many_modal(listing.registrations))


@answered
def menu_chosen(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, services: Context
) -> None:
    ack()
    choice = payloads.menu_choice(body)
    if choice.action == ids.INVITE:
        invite.open_invitation(
            choice.user_id, choice.registration_id, choice.trigger_id, client, services
        )
        return
    if choice.action == EXTEND:
        extended = extend(Extend(choice.user_id, choice.registration_id), services)
        said = extended_message(extended, services.policy)
        if (body.get("view") or {}).get("type") == "home":  # App Home is republished anyway
            client.views_open(trigger_id=choice.trigger_id, view=notice_modal("Extended", said))
        else:
            respond(replace_original=False, response_type="ephemeral", **said.as_kwargs())
        return
    registration = own_registration(
        GetOwnRegistration(choice.user_id, choice.registration_id), services
    )
    # Re-read now: the list may be older than the registration.
    if choice.action == ids.OPPORTUNITY:
        registration.check_opportunity(services.now())
        view = opportunity_modal(registration)
    else:
        registration.check_deletable(services.now())
        view = delete_confirm_modal(registration)
    client.views_open(trigger_id=choice.trigger_id, view=view)


@answered
def delete_confirmed(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Context
) -> None:
    done = delete(Delete(payloads.user_of(body), payloads.metadata_id(view)), services)
    text = f"*{escape(done.customer.name)}* is deleted and released."
    ack(response_action="update", view=done_view("Deleted", text))


@answered
def delete_many_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Context
) -> None:
    user_id = payloads.user_of(body)
    chosen = payloads.chosen_ids(state_values(view).get(ids.SELECTED))
    if not chosen:
        ack(response_action="errors", errors={ids.SELECTED: "Choose at least one customer."})
        return
    results = delete_many(DeleteMany(user_id, chosen), services)
    done = [str(r.registration_id) for r in results if r.error is None]
    refused = [
        f"#{r.registration_id}: {answer(r.error).message.text}"
        for r in results
        if r.error is not None
    ]
    ack(response_action="update", view=deleted_view(done, refused))


@answered
def opportunity_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Context
) -> None:
    user_id = payloads.user_of(body)
    title = str(state_values(view).get(ids.TITLE) or "").strip()
    if not title:
        ack(response_action="errors", errors={ids.TITLE: "Give the opportunity a title."})
        return
    if len(title) > TITLE_MAX:
        ack(response_action="errors", errors={ids.TITLE: f"At most {TITLE_MAX} characters."})
        return
    cmd = CreateOpportunity(user_id, payloads.metadata_id(view), title)
    opportunity = create_opportunity(cmd, services)
    text = f"Opportunity *{escape(opportunity.title)}* created."
    ack(response_action="update", view=done_view("Opportunity created", text))
