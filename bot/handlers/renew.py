"""The Renew button of an expiry reminder: the rules run again, now."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot.blocks.reminders import RENEW, not_renewed_message, renewed_message
from bot.domain.eligibility import Outcome
from bot.handlers import payloads
from bot.handlers.refusals import answered
from bot.services.context import Context
from bot.services.registrations import Renew, renew


def register(app: App) -> None:
    app.action(RENEW)(renew_clicked)


@answered
def renew_clicked(ack: Ack, body: dict[str, Any], respond: Respond, services: Context) -> None:
    ack()
    click = payloads.click(body)
    result = renew(Renew(click.user_id, click.registration_id), services)
    registration = result.registration
    assert registration is not None
    if result.decision.outcome is Outcome.ELIGIBLE:
        # The reminder becomes the confirmation: its button must not be pressed again.
        respond(replace_original=True, **renewed_message(registration).as_kwargs())
    else:
        message = not_renewed_message(registration, result.decision.reasons)
        respond(replace_original=False, **message.as_kwargs())
