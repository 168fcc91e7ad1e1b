"""The waiting list's buttons: join from the refusal, leave from the confirmation, and
pre-register from the DM saying the customer is free again."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blocks.preregister import FormValues, preregister_modal
from bot.blocks.waitlist import JOIN, LEAVE, PREREGISTER, joined_view, left_view
from bot.handlers import payloads
from bot.handlers.modals import Clicked, on_click
from bot.handlers.refusals import answered
from bot.services.context import Context
from bot.services.queries import GetStanding, standing
from bot.services.waitlist import JoinWaitlist, LeaveWaitlist, join_waitlist, leave_waitlist


def register(app: App) -> None:
    app.action(JOIN)(join_clicked)
    app.action(LEAVE)(leave_clicked)
    app.action(PREREGISTER)(preregister_clicked)


@answered
def join_clicked(ack: Ack, body: dict[str, Any], client: WebClient, services: Context) -> None:
    """Pressed in the refusal's modal: the answer replaces it there."""
    ack()
    where = payloads.view_id(body)
    user_id, _, customer = payloads.typed_customer(body)
    entry = join_waitlist(JoinWaitlist(user_id, customer), services)
    client.views_update(view_id=where, view=joined_view(entry))


def leave_click(clicked: Clicked) -> None:
    click = clicked.click
    leave_waitlist(LeaveWaitlist(click.user_id, click.registration_id), clicked.services)
    clicked.client.views_update(view_id=payloads.view_id(clicked.body), view=left_view())


leave_clicked = on_click(leave_click)


@answered
def preregister_clicked(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, services: Context
) -> None:
    """The form, filled in with what the partner typed when it asked to wait."""
    ack()
    user_id, trigger_id, customer = payloads.typed_customer(body)
    now_standing = standing(GetStanding(user_id), services)
    now_standing.check()
    form = FormValues.of(customer)
    client.views_open(
        trigger_id=trigger_id, view=preregister_modal(now_standing.partner.country, form)
    )
