"""The waiting list's buttons: join from the refusal, leave from the confirmation, and
pre-register from the DM saying the customer is free again."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blocks.preregister import FormValues, preregister_modal
from bot.blocks.waitlist import JOIN, LEAVE, PREREGISTER, joined_view, left_view
from bot.domain.model import Customer
from bot.handlers import payloads
from bot.handlers.modals import Clicked, Listener, on_click
from bot.handlers.refusals import answered
from bot.services.context import Context
from bot.services.queries import GetStanding, standing
from bot.services.waitlist import JoinWaitlist, LeaveWaitlist, join_waitlist, leave_waitlist


def register(app: App) -> None:
    app.action(JOIN)(join_clicked)
    app.action(LEAVE)(leave_clicked)
    app.action(PREREGISTER)(preregister_clicked)


@dataclass(frozen=True)
class CustomerClicked:
    """A button whose value is the customer the partner typed, read."""

    user_id: str
    trigger_id: str
    customer: Customer
    body: dict[str, Any]
    client: WebClient
    services: Context


def on_customer_click(act: Callable[[CustomerClicked], None]) -> Listener:
    """Acknowledged at once, the typed customer read again, then `act(clicked)`; a refusal is
    answered by @answered."""

    @answered
    def clicked(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, services: Context
    ) -> None:
        ack()
        user_id, trigger_id, customer = payloads.typed_customer(body)
        act(CustomerClicked(user_id, trigger_id, customer, body, client, services))

    return clicked


def join_click(clicked: CustomerClicked) -> None:
    """Pressed in the refusal's modal: the answer replaces it there."""
    where = payloads.view_id(clicked.body)
    entry = join_waitlist(JoinWaitlist(clicked.user_id, clicked.customer), clicked.services)
    clicked.client.views_update(view_id=where, view=joined_view(entry))


join_clicked = on_customer_click(join_click)


def leave_click(clicked: Clicked) -> None:
    click = clicked.click
    leave_waitlist(LeaveWaitlist(click.user_id, click.registration_id), clicked.services)
    clicked.client.views_update(view_id=payloads.view_id(clicked.body), view=left_view())


leave_clicked = on_click(leave_click)


def preregister_click(clicked: CustomerClicked) -> None:
    """The form, filled in with what the partner typed when it asked to wait."""
    now_standing = standing(GetStanding(clicked.user_id), clicked.services)
    now_standing.check()
    form = FormValues.of(clicked.customer)
    clicked.client.views_open(
        trigger_id=clicked.trigger_id, view=preregister_modal(now_standing.partner.country, form)
    )


preregister_clicked = on_customer_click(preregister_click)
