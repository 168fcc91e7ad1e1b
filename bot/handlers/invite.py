"""Invite, QR code, Send email and Create opportunity buttons: wherever they are shown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App

from bot.blocks.invite import (
    CREATE_OPPORTUNITY,
    INVITE,
    INVITE_EMAIL,
    INVITE_MODAL,
    INVITE_QR,
    invite_modal,
)
from bot.handlers import opportunities
from bot.handlers.modals import Clicked, Listener, on_click, opens_modal
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


def answers_with_invitation(done: str, run: Callable[[Clicked], Invitation]) -> Listener:
    """A button that acts on the invitation, `run(clicked)`, then shows it with `done` said:
    in the invitation modal, in place; in another modal (the result view), the invitation
    modal on top; in a message, an ephemeral reply."""

    def act(clicked: Clicked) -> None:
        view = clicked.body.get("view") if isinstance(clicked.body.get("view"), dict) else None
        if view is None:
            run(clicked)  # a refusal is answered by @answered, ephemerally
            clicked.respond(text=done, response_type="ephemeral", replace_original=False)
            return
        shown = invite_modal(run(clicked), notice=done)  # a refusal takes the modal's place
        if view.get("callback_id") == INVITE_MODAL:
            clicked.client.views_update(view_id=str(view.get("id")), view=shown)
        else:
            clicked.client.views_push(trigger_id=clicked.click.trigger_id, view=shown)

    return on_click(act)


qr_clicked = answers_with_invitation(
    QR_SENT,
    lambda c: send_qr_code(SendQrCode(c.click.user_id, c.click.registration_id), c.services),
)
email_clicked = answers_with_invitation(
    EMAIL_QUEUED,
    lambda c: email_invitation(
        EmailInvitation(c.click.user_id, c.click.registration_id, action_key(c.body)), c.services
    ),
)
