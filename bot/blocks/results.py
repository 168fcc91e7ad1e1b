"""The answer shown in the form's place after a submission: reserved, in review, refused."""

from __future__ import annotations

from typing import Any

from bot.blocks import glossary
from bot.blocks.continuations import after_refusal, after_registration
from bot.blocks.invite import invite_blocks
from bot.blocks.kit import VALUE as VALUE
from bot.blocks.kit import context, customer_fields, modal, reason_lines, section
from bot.blocks.message import Block
from bot.blocks.preregister import RESULT, FormValues
from bot.blocks.text import PARTNER_NEXT_STEP, escape_clip, partner_reason, slack_date
from bot.blocks.waitlist import join_actions
from bot.domain.model import Customer, Reason, ReasonCode, Registration, Status
from bot.services.invitations import Invitation


def _result(title: str, blocks: list[Block]) -> dict[str, Any]:
    return modal(RESULT, title, blocks, close="Done")


def _reference(registration: Registration, *more: str) -> list[Block]:
    texts = [*more]
    if registration.id is not None:
        texts.append(glossary.registration_ref(registration.id))
    return [context(*texts)] if texts else []


def registered_view(
    registration: Registration, invitation: Invitation | None = None
) -> dict[str, Any]:
    """With `invitation` (INVITE_SECRET set), the link and its buttons, ready to use."""
    until = registration.valid_until
    headline = f"Pre-registered until {slack_date(until)}" if until else "Pre-registered"
    same_email = " with the email you gave here" if registration.customer.email else ""
    blocks = [
        section(f":white_check_mark: *{headline}*\nThe customer is reserved for your company."),
        customer_fields(registration.customer),
        section(
            "*Next steps*\n"
            f"1. Invite the customer to register and associate with your company{same_email}.\n"
            "2. Create an opportunity for this customer from `/preregister list`."
        ),
    ]
    if invitation is not None:
        blocks += invite_blocks(
            registration,
            invitation.link,
            invitation.email,
            emails_today=invitation.emails_today,
            email_limit=invitation.email_limit,
        )
    blocks += [*_reference(registration), after_registration()]
    return _result("Pre-registered", blocks)


def review_submitted_view(registration: Registration) -> dict[str, Any]:
    due = registration.review_due
    answer = f"Reviewers answer by {slack_date(due)}." if due else "Reviewers answer soon."
    blocks = [
        section(f":hourglass_flowing_sand: *Sent for review*\n{answer}"),
        customer_fields(registration.customer),
    ]
    if registration.reasons:
        blocks.append(section(f"*Why it needs a review*\n{reason_lines(registration.reasons)}"))
    blocks += [
        section(
            "*What happens next*\n"
            "You'll get a DM with the decision. Meanwhile the customer is held for your"
            " company and counts toward your quota."
        ),
        *_reference(registration),
    ]
    return _result("Sent for review", blocks)


def blocked_view(
    customer_name: str,
    reason: Reason,
    typed: FormValues | None = None,
    customer: Customer | None = None,
) -> dict[str, Any]:
    """Why not, in plain words; never the reason's evidence, never another partner.
    Held by another partner, it offers the waiting list (for `customer`, as typed)."""
    next_step = PARTNER_NEXT_STEP.get(
        reason.code, "Talk to your ecosystem manager if you think this is wrong."
    )
    blocks = [
        section(
            f":no_entry: *{escape_clip(customer_name, 1000)} can't be pre-registered.*\n"
            f"{partner_reason(reason)}"
        ),
        section(f"*What you can do*\n{next_step}"),
        after_refusal(typed or FormValues(country="", customer_name=customer_name)),
    ]
    if reason.code is ReasonCode.HELD_BY_OTHER_PARTNER and customer is not None:
        blocks.append(join_actions(customer))
    return _result("Not pre-registered", blocks)


def already_yours_view(registration: Registration) -> dict[str, Any]:
    blocks = [
        section(
            f":information_source: *{partner_reason(Reason(ReasonCode.ALREADY_YOURS))}*\n"
            f"{_standing(registration)}"
        ),
        customer_fields(registration.customer),
        *_reference(registration, "No new record was made."),
    ]
    return _result("Already yours", blocks)


def _standing(registration: Registration) -> str:
    if registration.status is Status.PENDING_REVIEW:
        due = registration.review_due
        by = f", answer due by {slack_date(due)}" if due else ""
        return f"It is waiting for a reviewer's decision{by}."
    if registration.status is Status.PREREGISTERED and registration.valid_until:
        return f"It is pre-registered until {slack_date(registration.valid_until)}."
    return f"Its status: {glossary.status_word(registration.status)}."
