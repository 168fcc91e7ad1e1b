"""`/preregister [list | profile | delete | help]`: acknowledge, then answer the partner."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blocks.preregister import (
    NAME_MAX,
    OPEN_PROFILE,
    FormValues,
    empty_form,
    preregister_modal,
)
from bot.blocks.profile import profile_modal
from bot.blocks.replies import help_message
from bot.handlers import manage
from bot.handlers.payloads import user_of
from bot.handlers.refusals import answered
from bot.services.context import Context
from bot.services.queries import GetCompany, GetStanding, company, ready_to_preregister


class SlashCommand(BaseModel):
    user_id: str
    trigger_id: str
    text: str = ""

    @property
    def rest(self) -> str:
        """What follows the subcommand: `/preregister list acme` searches for "acme"."""
        return " ".join(self.text.split()[1:])

    @property
    def subcommand(self) -> str:
        words = self.text.split()
        return words[0].lower() if words else ""


def register(app: App) -> None:
    app.command("/preregister")(preregister_command)
    app.action(OPEN_PROFILE)(open_profile_button)


@answered
def preregister_command(
    ack: Ack, command: dict[str, Any], client: WebClient, respond: Respond, services: Context
) -> None:
    ack()
    cmd = SlashCommand.model_validate(command)
    match cmd.subcommand:
        case "":
            open_form(cmd, client, services)
        case "profile":
            open_profile(cmd.user_id, cmd.trigger_id, client, services, push=False)
        case "list":
            manage.show_list(cmd.user_id, respond, services, cmd.rest)
        case "delete":
            manage.open_delete_many(cmd.user_id, cmd.trigger_id, client, services)
        case "help":
            respond(**help_message(services.policy).as_kwargs())
        case _:
            # `/preregister Acme Corp`: the form, with the name filled in.
            open_form(cmd, client, services, name=" ".join(cmd.text.split())[:NAME_MAX])


def open_form(
    cmd: SlashCommand, client: WebClient, services: Context, name: str | None = None
) -> None:
    """Preconditions first, so nobody types a form for nothing."""
    country = ready_to_preregister(GetStanding(cmd.user_id), services).country
    view = (
        empty_form(country)
        if name is None
        else preregister_modal(country, FormValues(country=country, customer_name=name))
    )
    client.views_open(trigger_id=cmd.trigger_id, view=view)


@answered
def open_profile_button(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, services: Context
) -> None:
    ack()
    in_modal = body.get("view") is not None
    open_profile(user_of(body), body["trigger_id"], client, services, push=in_modal)


def open_profile(
    user_id: str, trigger_id: str, client: WebClient, services: Context, *, push: bool
) -> None:
    view = profile_modal(company(GetCompany(user_id), services))
    if push:  # asked from inside a modal: stack the profile on top of it
        client.views_push(trigger_id=trigger_id, view=view)
    else:
        client.views_open(trigger_id=trigger_id, view=view)
