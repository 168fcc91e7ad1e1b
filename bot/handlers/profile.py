"""The company contact modal (`/preregister profile`): an email or a mobile on file."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.blocks.profile import PROFILE, profile_saved_view
from bot.handlers.forms import FieldErrors, parse_contact_form
from bot.handlers.payloads import user_of
from bot.handlers.refusals import answered
from bot.services.context import Context
from bot.services.partners import SetContact, set_contact
from bot.services.queries import GetCompany, company


def register(app: App) -> None:
    app.view(PROFILE)(submit_profile)


@answered
def submit_profile(ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Context) -> None:
    user_id = user_of(body)
    # Mobiles are read with the company's country as the default region.
    partner = company(GetCompany(user_id), services)
    try:
        form = parse_contact_form(view, partner.country)
    except FieldErrors as invalid:
        ack(response_action="errors", errors=invalid.errors)
        return
    saved = set_contact(SetContact(user_id, form.email, form.mobile), services)
    ack(response_action="update", view=profile_saved_view(saved))
