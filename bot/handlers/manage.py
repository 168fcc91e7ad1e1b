"""`/preregister list` and `delete`, and the per-customer menu: invite, delete, create
opportunity."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blocks import manage as ids
from bot.blocks.extension_requests import REQUEST_EXTENSION
from bot.blocks.manage import (
    delete_confirm_modal,
    delete_many_modal,
    deleted_view,
    done_view,
    list_message,
)
from bot.blocks.notice import notice_modal
from bot.blocks.refusals import answer
from bot.blocks.reminders import extended_message
from bot.blocks.rows import DELETE, EXTEND
from bot.blocks.text import escape
from bot.handlers import extension_requests, invite, opportunities, payloads
from bot.handlers.forms import state_values
from bot.handlers.modals import ViewFor
from bot.handlers.refusals import answered
from bot.handlers.request_keys import action_key, submission_key
from bot.services.context import Context
from bot.services.dashboard import searched
from bot.services.opportunities import GetOpportunities, customer_opportunities
from bot.services.queries import GetStanding, ListRegistrations, list_registrations, standing
from bot.services.registrations import Delete, DeleteMany, Extend, delete, delete_many, extend


def register(app: App) -> None:
    app.action(ids.MANAGE)(menu_chosen)
    app.view(ids.DELETE_CONFIRM)(delete_confirmed)
    app.view(ids.DELETE_MANY)(delete_many_submitted)
    opportunities.register(app)


def show_list(user_id: str, respond: Respond, services: Context, search: str = "") -> None:
    held = standing(GetStanding(user_id), services)
    listing = list_registrations(ListRegistrations(user_id), services)
    rows = searched(listing.registrations, search)
    now, policy = services.now(), services.policy
    message = list_message(rows, held.quota, now, policy, search, listing.opportunities)
    respond(**message.as_kwargs())


def open_delete_many(user_id: str, trigger_id: str, client: WebClient, services: Context) -> None:
    listing = list_registrations(ListRegistrations(user_id), services)
    client.views_open(trigger_id=trigger_id, view=delete_many_modal(listing.registrations))


def delete_view(user_id: str, registration_id: int, services: Context) -> dict[str, Any]:
    """Re-read now: the list may be older than the registration."""
    found = customer_opportunities(GetOpportunities(user_id, registration_id), services)
    found.registration.check_deletable(services.now())
    still_open = sum(1 for o in found.opportunities if o.is_open)
    return delete_confirm_modal(found.registration, still_open)


# The menu's options that open a modal, each checked first (a refusal answers instead).
MODALS: dict[str, ViewFor] = {
    ids.INVITE: invite.invitation_view,
    REQUEST_EXTENSION: extension_requests.request_view,
    ids.OPPORTUNITY: opportunities.create_view,
    ids.OPPORTUNITIES: opportunities.list_view,
    DELETE: delete_view,
}


@answered
def menu_chosen(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, services: Context
) -> None:
    ack()
    choice = payloads.menu_choice(body)
    if choice.action == EXTEND:
        cmd = Extend(choice.user_id, choice.registration_id, action_key(body), choice.seen)
        extended = extend(cmd, services)
        said = extended_message(extended, services.policy)
        if (body.get("view") or {}).get("type") == "home":  # App Home is republished anyway
            client.views_open(trigger_id=choice.trigger_id, view=notice_modal("Extended", said))
        else:
            respond(replace_original=False, response_type="ephemeral", **said.as_kwargs())
        return
    view = MODALS[choice.action](choice.user_id, choice.registration_id, services)
    client.views_open(trigger_id=choice.trigger_id, view=view)


@answered
def delete_confirmed(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Context
) -> None:
    registration_id, warned = payloads.delete_metadata(view)
    cmd = Delete(payloads.user_of(body), registration_id, submission_key(body), warned)
    done = delete(cmd, services)
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
    results = delete_many(DeleteMany(user_id, chosen, submission_key(body)), services)
    done = [str(r.registration_id) for r in results if r.error is None]
    refused = [
        f"#{r.registration_id}: {answer(r.error).message.text}"
        for r in results
        if r.error is not None
    ]
    ack(response_action="update", view=deleted_view(done, refused))
