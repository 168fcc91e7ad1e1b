"""The Extend button of an expiry reminder: the domain decides whether it may, and the limit."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot.blocks.reminders import EXTEND, extended_message
from bot.handlers import payloads
from bot.handlers.refusals import answered
from bot.handlers.request_keys import action_key
from bot.services.context import Context
from bot.services.registrations import Extend, extend


def register(app: App) -> None:
    app.action(EXTEND)(extend_clicked)


@answered
def extend_clicked(ack: Ack, body: dict[str, Any], respond: Respond, services: Context) -> None:
    ack()
    click = payloads.click(body)
    cmd = Extend(click.user_id, click.registration_id, action_key(body), click.seen)
    registration = extend(cmd, services)
    # The reminder clicked becomes the confirmation; the other copies are updated in place.
    respond(replace_original=True, **extended_message(registration, services.policy).as_kwargs())
