"""The Renew button of an expiry reminder: the rules run again, now."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot.blocks.preregister import not_linked_message
from bot.blocks.reminders import (
    RENEW,
    not_renewed_message,
    renewal_gone_message,
    renewed_message,
)
from bot.domain.eligibility import Outcome
from bot.domain.errors import TransitionNotAllowed
from bot.services.context import Context
from bot.services.errors import RegistrationNotFound, UnknownPartner
from bot.services.partners import partner_for_user
from bot.services.registrations import renew


def register(app: App) -> None:
    app.action(RENEW)(renew_clicked)


def renew_clicked(ack: Ack, body: dict[str, Any], respond: Respond, services: Context) -> None:
    ack()
    user_id = body["user"]["id"]
    registration_id = int(body["actions"][0]["value"])
    try:
        partner = partner_for_user(user_id, services.uow())
        result = renew(
            registration_id, partner.id, user_id, services.uow(), services.policy, services.now()
        )
    except UnknownPartner:
        respond(replace_original=False, **not_linked_message(user_id).as_kwargs())
        return
    except (RegistrationNotFound, TransitionNotAllowed):
        respond(replace_original=False, **renewal_gone_message().as_kwargs())
        return
    registration = result.registration
    assert registration is not None
    if result.decision.outcome is Outcome.ELIGIBLE:
        # The reminder becomes the confirmation: its button must not be pressed again.
        respond(replace_original=True, **renewed_message(registration).as_kwargs())
    else:
        message = not_renewed_message(registration, result.decision.reasons)
        respond(replace_original=False, **message.as_kwargs())
