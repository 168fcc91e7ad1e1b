"""The company contact modal (`/preregister profile`): an email or a mobile on file."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, StringConstraints, ValidationError
from slack_bolt import Ack, App

from bot.blocks.notice import notice_modal
from bot.blocks.preregister import EMAIL, MOBILE, MOBILE_MAX, not_linked_message
from bot.blocks.profile import PROFILE, profile_saved_view
from bot.domain.errors import NoContactOnFile
from bot.domain.identity import InvalidEmail, InvalidMobile, normalize_email, normalize_mobile
from bot.handlers.forms import field_errors, state_values
from bot.services.context import Context
from bot.services.errors import UnknownPartner
from bot.services.partners import partner_for_user, set_contact

# Field names are the inputs' block ids, so that each error shows under its own input.
EmailText = Annotated[str | None, StringConstraints(strip_whitespace=True, max_length=320)]
MobileText = Annotated[str | None, StringConstraints(strip_whitespace=True, max_length=MOBILE_MAX)]


class ContactForm(BaseModel):
    email: EmailText = None
    mobile: MobileText = None


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
        form = ContactForm.model_validate(state_values(view))
    except ValidationError as invalid:
        ack(response_action="errors", errors=field_errors(invalid))
        return
    errors: dict[str, str] = {}
    email = mobile = None
    try:
        email = normalize_email(form.email) if form.email else None
    except InvalidEmail:
        errors[EMAIL] = "This is not a valid email address."
    try:
        mobile = normalize_mobile(form.mobile, partner.country) if form.mobile else None
    except InvalidMobile:
        errors[MOBILE] = "This is not a valid mobile number: include the country code."
    if errors:
        ack(response_action="errors", errors=errors)
        return
    try:
        saved = set_contact(partner.id, email, mobile, user_id, services.uow(), services.now())
    except NoContactOnFile:
        ack(response_action="errors", errors={EMAIL: "Give an email or a mobile number."})
        return
    ack(response_action="update", view=profile_saved_view(saved))
