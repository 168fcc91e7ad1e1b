"""The pre-registration modal's submissions: validate, decide, answer in the same modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.blocks import preregister as ids
from bot.blocks.notice import notice_modal
from bot.blocks.preregister import (
    already_yours_view,
    blocked_view,
    no_contact_message,
    not_linked_message,
    preregister_modal,
    quota_reached_message,
    registered_view,
    review_submitted_view,
)
from bot.domain.eligibility import Outcome
from bot.domain.errors import NoContactOnFile, QuotaReached
from bot.domain.model import Partner, Status
from bot.handlers.forms import CustomerForm, FieldErrors, form_values, parse_customer_form
from bot.services.context import Context
from bot.services.errors import JustificationRequired, UnknownPartner
from bot.services.partners import partner_for_user
from bot.services.registrations import Submission, Submit, preregister, request_review

JUSTIFY = "Tell the reviewers why this customer should be yours."


def register(app: App) -> None:
    app.view(ids.PREREGISTER)(submit_form)
    app.view(ids.PREREGISTER_REVIEW)(submit_form)


def submit_form(ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Context) -> None:
    """Everything here runs before the ack: the answer replaces the form (3 s are plenty)."""
    user_id = body["user"]["id"]
    asks_review = view["callback_id"] == ids.PREREGISTER_REVIEW
    try:
        form = parse_customer_form(view)
    except FieldErrors as invalid:
        ack(response_action="errors", errors=invalid.errors)
        return
    # The review step records the request; the first step records only an eligible customer.
    submit = request_review if asks_review else preregister
    try:
        partner = partner_for_user(user_id, services.uow())
        submitted = submit(
            Submit(
                partner.id,
                form.customer(),
                actor=user_id,
                justification=form.justification if asks_review else None,
            ),
            services.uow(),
            services.policy,
            services.calendar,
            services.now(),
        )
    except JustificationRequired:
        ack(response_action="errors", errors={ids.JUSTIFICATION: JUSTIFY})
        return
    except UnknownPartner:
        answer = notice_modal("Not linked", not_linked_message(user_id))
    except NoContactOnFile:
        answer = notice_modal("Contact needed", no_contact_message())
    except QuotaReached as full:
        answer = notice_modal("Quota reached", quota_reached_message(full.use))
    else:
        answer = present(submitted, partner, form, view)
    ack(response_action="update", view=answer)


def present(
    submitted: Submission, partner: Partner, form: CustomerForm, view: dict[str, Any]
) -> dict[str, Any]:
    decision, registration = submitted.decision, submitted.registration
    if decision.outcome is Outcome.BLOCK:
        return blocked_view(form.customer_name, decision.reasons[0])
    if decision.outcome is Outcome.ALREADY_YOURS and registration is not None:
        return already_yours_view(registration)
    if decision.outcome is Outcome.REVIEW and registration is None:
        # The same form, as typed, now asking why: submitting it requests the review.
        return preregister_modal(
            partner.country, form_values(view, partner.country), decision.reasons
        )
    assert registration is not None
    if registration.status is Status.PENDING_REVIEW:
        return review_submitted_view(registration)
    return registered_view(registration)
