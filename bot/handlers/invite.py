"""Invite, QR code, Send email and Create opportunity buttons: wherever they are shown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blocks.invite import (
    CREATE_OPPORTUNITY,
    INVITE,
    INVITE_EMAIL,
    INVITE_MODAL,
    INVITE_QR,
    invite_modal,
)
from bot.handlers import opportunities, payloads
from bot.handlers.refusals import answered
from bot.handlers.request_keys import action_key
from bot.services.context import Context
from bot.services.invitations import (
    EmailInvitation,
    Invitation,
    SendQrCode,
    ShowInvitation,
    email_invitation,
    send_qr_code,
    show_invitation,
)

QR_SENT = "The QR code is on its way to your DM with prereg."
EMAIL_QUEUED = "The invitation email is on its way; you'll get a DM once it is sent."


def register(app: App) -> None:
    app.action(INVITE)(invite_clicked)
    app.action(INVITE_QR)(qr_clicked)
    app.action(INVITE_EMAIL)(email_clicked)
    app.action(CREATE_OPPORTUNITY)(opportunity_clicked)


@answered
def invite_clicked(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, services: Context
) -> None:
    ack()
    click = payloads.click(body)
    open_invitation(click.user_id, click.registration_id, click.trigger_id, client, services)


def open_invitation(
    user_id: str, registration_id: int, trigger_id: str, client: WebClient, services: Context
) -> None:
    """From a message, App Home or the list: a modal with the link and the buttons."""
    view = invite_modal(show_invitation(ShowInvitation(user_id, registration_id), services))
    client.views_open(trigger_id=trigger_id, view=view)


@answered
def qr_clicked(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, services: Context
) -> None:
    ack()
    click = payloads.click(body)
    cmd = SendQrCode(click.user_id, click.registration_id)
    _answer(body, click, lambda: send_qr_code(cmd, services), QR_SENT, client, respond)


@answered
def email_clicked(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, services: Context
) -> None:
    ack()
    click = payloads.click(body)
    cmd = EmailInvitation(click.user_id, click.registration_id, action_key(body))
    _answer(body, click, lambda: email_invitation(cmd, services), EMAIL_QUEUED, client, respond)


def _answer(
    body: dict[str, Any],
    click: payloads.Click,
    run: Callable[[], Invitation],
    done: str,
    client: WebClient,
    respond: Respond,
) -> None:
    """In the invitation modal: it shows the outcome in place. In another modal (the
    result view): the invitation modal on top. In a message: an ephemeral reply."""
    view = body.get("view") if isinstance(body.get("view"), dict) else None
    if view is None:
        run()  # a refusal is answered by @answered, ephemerally
        respond(text=done, response_type="ephemeral", replace_original=False)
        return
    shown = invite_modal(run(), notice=done)  # a refusal takes the modal's place (@answered)
    if view.get("callback_id") == INVITE_MODAL:
        client.views_update(view_id=str(view.get("id")), view=shown)
    else:
        client.views_push(trigger_id=click.trigger_id, view=shown)


@answered
def opportunity_clicked(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, services: Context
) -> None:
    ack()
    click = payloads.click(body)
    opportunities.open_create(
        click.user_id, click.registration_id, click.trigger_id, client, services
    )
