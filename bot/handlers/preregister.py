"""The pre-registration modal's submissions: validate, decide, answer in the same modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks import preregister as ids
from bot.blocks.preregister import FormValues, preregister_modal
from bot.blocks.replies import quota_field_error, quota_form_notice
from bot.blocks.results import (
    already_yours_view,
    blocked_view,
    registered_view,
    review_submitted_view,
)
from bot.blocks.review_step import EDIT_DETAILS, form_again, review_step_modal
from bot.domain.eligibility import Outcome
from bot.domain.errors import QuotaReached
from bot.domain.model import Status
from bot.handlers.forms import (
    CustomerForm,
    FieldErrors,
    form_values,
    parse_customer_form,
    parse_review_step,
    state_values,
)
from bot.handlers.payloads import review_step_facts, user_of
from bot.handlers.refusals import answered
from bot.services.context import Context
from bot.services.invitations import Invitation, fresh_invitation
from bot.services.queries import GetCompany, company
from bot.services.registrations import Preregister, RequestReview, Submission, preregister
from bot.services.registrations import request_review as send_to_review

EDITING = "The rules run again on what you submit now."


def register(app: App) -> None:
    app.view(ids.PREREGISTER)(submit_form)
    app.view(ids.PREREGISTER_REVIEW)(request_review)
    app.action(EDIT_DETAILS)(edit_details)


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
        # The review step's facts are the ones decided on (private_metadata), checked again.
        form = (
            parse_review_step(view, review_step_facts(view))
            if review
            else parse_customer_form(view)
        )
    except FieldErrors as invalid:
        ack(response_action="errors", errors=invalid.errors)
        return
    # The first step records only an eligible customer; a review case asks why first.
    try:
        submitted = (
            send_to_review(
                RequestReview(user_id, form.customer(), form.justification or ""), services
            )
            if review
            else preregister(Preregister(user_id, form.customer()), services)
        )
    except QuotaReached as full:  # filled up since the form opened: keep what was typed
        if review:
            ack(response_action="errors", errors={ids.JUSTIFICATION: quota_field_error(full.use)})
        else:
            typed = form_values(view, form.country)  # as typed, not as normalized
            notice = quota_form_notice(full.use)
            ack(response_action="update", view=preregister_modal(form.country, typed, notice))
        return
    invitation = _invitation(submitted, user_id, services)
    ack(response_action="update", view=present(submitted, form, view, invitation))


@answered
def edit_details(ack: Ack, body: dict[str, Any], client: WebClient, services: Context) -> None:
    """Back to the form with what was typed; submitting it runs the rules again."""
    ack()
    view = body.get("view") or {}
    facts = review_step_facts(view)
    typed = state_values(view)
    partner = company(GetCompany(user_of(body)), services)
    again = form_again(facts, typed.get(ids.NOTES), typed.get(ids.JUSTIFICATION))
    client.views_update(
        view_id=view.get("id"),
        hash=view.get("hash"),
        view=preregister_modal(partner.country, again, notice=EDITING),
    )


def _invitation(submitted: Submission, user_id: str, services: Context) -> Invitation | None:
    """The link and its buttons for a customer pre-registered at once (when invitable). Only
    a registration this submission made is shown with it (an existing one is "already yours")."""
    registration = submitted.registration
    if not submitted.recorded or registration is None:
        return None
    if registration.status is not Status.PREREGISTERED:
        return None
    return fresh_invitation(registration, user_id, services)


def present(
    submitted: Submission,
    form: CustomerForm,
    view: dict[str, Any],
    invitation: Invitation | None = None,
) -> dict[str, Any]:
    decision, registration = submitted.decision, submitted.registration
    if decision.outcome is Outcome.BLOCK:
        customer = form.customer()
        return blocked_view(
            form.customer_name, decision.reasons[0], FormValues.of(customer), customer
        )
    if decision.outcome is Outcome.ALREADY_YOURS and registration is not None:
        return already_yours_view(registration)
    if decision.outcome is Outcome.REVIEW and registration is None:
        # The facts decided on, locked, now asking why: submitting it requests the review.
        return review_step_modal(form.customer(), decision.reasons, form.justification)
    assert registration is not None
    if registration.status is Status.PENDING_REVIEW:
        return review_submitted_view(registration)
    return registered_view(registration, invitation)
