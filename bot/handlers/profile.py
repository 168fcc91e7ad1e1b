"""The company contact modal (`/preregister profile`): an email or a mobile on file."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.blocks.notice import notice_modal
from bot.blocks.preregister import EMAIL, not_linked_message
from bot.blocks.profile import PROFILE, profile_saved_view
from bot.domain.errors import NoContactOnFile
from bot.handlers.forms import FieldErrors, parse_contact_form
from bot.services.context import Context
from bot.services.errors import UnknownPartner
from bot.services.partners import partner_for_user, set_contact


def register(app: App) -> None:
    app.view(PROFILE)(submit_profile)


def submit_profile(ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Context) -> None:
    user_id = body["user"]["id"]
    try:
        partner = partner_for_user(user_id, services.uow())
    except UnknownPartner:
        ack(response_action="update", view=notice_modal("Not linked", not_linked_message(user_id)))
        return
    try:
        form = parse_contact_form(view, partner.country)
    except FieldErrors as invalid:
        ack(response_action="errors", errors=invalid.errors)
        return
    try:
        saved = set_contact(
            partner.id, form.email, form.mobile, user_id, services.uow(), services.now()
        )
    except NoContactOnFile:
        ack(response_action="errors", errors={EMAIL: "Give an email or a mobile number."})
        return
    ack(response_action="update", view=profile_saved_view(saved))
