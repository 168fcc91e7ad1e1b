"""`/preregister [list | profile | delete | help]`: acknowledge, then answer the partner."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blocks.preregister import (
    OPEN_PROFILE,
    help_message,
    no_contact_message,
    not_linked_message,
    preregister_modal,
    quota_reached_message,
    unknown_subcommand_message,
)
from bot.blocks.profile import profile_modal
from bot.domain.errors import NoContactOnFile, QuotaReached
from bot.handlers import manage
from bot.services.context import Context
from bot.services.errors import UnknownPartner
from bot.services.partners import partner_for_user
from bot.services.registrations import standing_of_user


class SlashCommand(BaseModel):
    user_id: str
    trigger_id: str
    text: str = ""

    @property
    def subcommand(self) -> str:
        words = self.text.split()
        return words[0].lower() if words else ""


def register(app: App) -> None:
    app.command("/preregister")(preregister_command)
    app.action(OPEN_PROFILE)(open_profile_button)


def preregister_command(
    ack: Ack, command: dict[str, Any], client: WebClient, respond: Respond, services: Context
) -> None:
    ack()
    cmd = SlashCommand.model_validate(command)
    match cmd.subcommand:
        case "":
            open_form(cmd, client, respond, services)
        case "profile":
            open_profile(cmd.user_id, cmd.trigger_id, client, respond, services, push=False)
        case "list":
            manage.show_list(cmd.user_id, respond, services)
        case "delete":
            manage.open_delete_many(cmd.user_id, cmd.trigger_id, client, respond, services)
        case "help":
            respond(**help_message(services.policy).as_kwargs())
        case _:
            respond(**unknown_subcommand_message(cmd.text.strip(), services.policy).as_kwargs())


def open_form(cmd: SlashCommand, client: WebClient, respond: Respond, services: Context) -> None:
    """Preconditions first, so nobody types a form for nothing."""
    try:
        standing = standing_of_user(cmd.user_id, services.uow(), services.policy, services.now())
        standing.check()
    except UnknownPartner:
        respond(**not_linked_message(cmd.user_id).as_kwargs())
        return
    except NoContactOnFile:
        respond(**no_contact_message().as_kwargs())
        return
    except QuotaReached as full:
        respond(**quota_reached_message(full.use).as_kwargs())
        return
    client.views_open(trigger_id=cmd.trigger_id, view=preregister_modal(standing.partner.country))


def open_profile_button(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, services: Context
) -> None:
    ack()
    in_modal = body.get("view") is not None
    open_profile(body["user"]["id"], body["trigger_id"], client, respond, services, push=in_modal)


def open_profile(
    user_id: str,
    trigger_id: str,
    client: WebClient,
    respond: Respond,
    services: Context,
    *,
    push: bool,
) -> None:
    try:
        partner = partner_for_user(user_id, services.uow())
    except UnknownPartner:
        respond(**not_linked_message(user_id).as_kwargs())
        return
    view = profile_modal(partner)
    if push:  # asked from inside a modal: stack the profile on top of it
        client.views_push(trigger_id=trigger_id, view=view)
    else:
        client.views_open(trigger_id=trigger_id, view=view)
