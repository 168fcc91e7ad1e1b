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
from bot.handlers.modals import Listener, opens_modal
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


def invitation_view(user_id: str, registration_id: int, services: Context) -> dict[str, Any]:
    """From a message, App Home or the list: a modal with the link and the buttons."""
    return invite_modal(show_invitation(ShowInvitation(user_id, registration_id), services))


invite_clicked = opens_modal(invitation_view)
opportunity_clicked = opens_modal(opportunities.create_view)


def answers_with_invitation(
    done: str, run: Callable[[payloads.Click, dict[str, Any], Context], Invitation]
) -> Listener:
    """A button that acts on the invitation, `run(click, body, services)`, then shows it
    with `done` said (see `_answer`)."""

    @answered
    def clicked(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, services: Context
    ) -> None:
        ack()
        click = payloads.click(body)
        _answer(body, click, lambda: run(click, body, services), done, client, respond)

    return clicked


qr_clicked = answers_with_invitation(
    QR_SENT,
    lambda click, _body, services: send_qr_code(
        SendQrCode(click.user_id, click.registration_id), services
    ),
)
email_clicked = answers_with_invitation(
    EMAIL_QUEUED,
    lambda click, body, services: email_invitation(
        EmailInvitation(click.user_id, click.registration_id, action_key(body)), services
    ),
)


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
