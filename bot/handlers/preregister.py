"""The pre-registration modal's submissions: validate, decide, answer in the same modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.blocks import preregister as ids
from bot.blocks.preregister import preregister_modal
from bot.blocks.results import (
    already_yours_view,
    blocked_view,
    registered_view,
    review_submitted_view,
)
from bot.domain.eligibility import Outcome
from bot.domain.errors import Refusal
from bot.domain.model import Status
from bot.handlers.forms import CustomerForm, FieldErrors, form_values, parse_customer_form
from bot.handlers.payloads import user_of
from bot.handlers.refusals import answered
from bot.services.context import Context
from bot.services.invitations import Invitation, ShowInvitation, show_invitation
from bot.services.registrations import Preregister, RequestReview, Submission, preregister
from bot.services.registrations import request_review as send_to_review


def register(app: App) -> None:
    app.view(ids.PREREGISTER)(submit_form)
    app.view(ids.PREREGISTER_REVIEW)(request_review)


@answered
def submit_form(ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Context) -> None:
    """Everything here runs before the ack: the answer replaces the form (3 s are plenty)."""
    _answer(ack, body, view, services, review=False)


@answered
def request_review(ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Context) -> None:
    _answer(ack, body, view, services, review=True)


def _answer(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Context, *, review: bool
) -> None:
    user_id = user_of(body)
    try:
        form = parse_customer_form(view)
    except FieldErrors as invalid:
        ack(response_action="errors", errors=invalid.errors)
        return
    # The first step records only an eligible customer; a review case asks why first.
    submitted = (
        send_to_review(RequestReview(user_id, form.customer(), form.justification or ""), services)
        if review
        else preregister(Preregister(user_id, form.customer()), services)
    )
    invitation = _invitation(submitted, user_id, services)
    ack(response_action="update", view=present(submitted, form, view, invitation))


def _invitation(submitted: Submission, user_id: str, services: Context) -> Invitation | None:
    """The link and its buttons for a customer pre-registered at once (when invitable)."""
    registration = submitted.registration
    if registration is None or registration.id is None or services.invites is None:
        return None
    if registration.status is not Status.PREREGISTERED:
        return None
    try:
        return show_invitation(ShowInvitation(user_id, registration.id), services)
    except Refusal:
        return None


def present(
    submitted: Submission,
    form: CustomerForm,
    view: dict[str, Any],
    invitation: Invitation | None = None,
) -> dict[str, Any]:
    decision, registration = submitted.decision, submitted.registration
    if decision.outcome is Outcome.BLOCK:
        return blocked_view(form.customer_name, decision.reasons[0], form.customer())
    if decision.outcome is Outcome.ALREADY_YOURS and registration is not None:
        return already_yours_view(registration)
    if decision.outcome is Outcome.REVIEW and registration is None:
        # The same form, as typed, now asking why: submitting it requests the review.
        assert submitted.partner is not None
        country = submitted.partner.country
        return preregister_modal(country, form_values(view, country), decision.reasons)
    assert registration is not None
    if registration.status is Status.PENDING_REVIEW:
        return review_submitted_view(registration)
    return registered_view(registration, invitation)
