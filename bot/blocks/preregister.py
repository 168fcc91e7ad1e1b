"""/preregister: the form, the answer shown in its place, and the command's ephemeral replies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.blocks.countries import country_option, country_option_groups
from bot.blocks.kit import VALUE as VALUE
from bot.blocks.kit import (
    context,
    customer_fields,
    email_input,
    modal,
    plain,
    reason_lines,
    section,
    text_input,
)
from bot.blocks.message import Block, Message
from bot.blocks.text import (
    PARTNER_NEXT_STEP,
    duration_words,
    escape,
    escape_clip,
    partner_reason,
    slack_date,
)
from bot.domain.model import Reason, ReasonCode, Registration, Status
from bot.domain.policy import Policy, QuotaUse

# Views' callback_ids.
PREREGISTER = "preregister"
PREREGISTER_REVIEW = "preregister_review"
RESULT = "preregister_result"

# Input block_ids; every element's action_id is VALUE.
CUSTOMER_NAME = "customer_name"
EMAIL = "email"
MOBILE = "mobile"
COUNTRY = "country"
INDUSTRY = "industry"
NOTES = "notes"
JUSTIFICATION = "justification"

# Button in the "no contact on file" message that opens the profile modal.
OPEN_PROFILE = "open_profile"

NAME_MAX = 200
MOBILE_MAX = 50
INDUSTRY_MAX = 100
NOTES_MAX = 3000
JUSTIFICATION_MAX = 2000


@dataclass(frozen=True, kw_only=True)
class FormValues:
    """What the partner typed in the form, to show it again."""

    country: str
    customer_name: str | None = None
    email: str | None = None
    mobile: str | None = None
    industry: str | None = None
    notes: str | None = None
    justification: str | None = None


# --------------------------------------------------------------------------
# The form
# --------------------------------------------------------------------------


def preregister_modal(
    partner_country: str,
    form: FormValues | None = None,
    reasons: Sequence[Reason] = (),
) -> dict[str, Any]:
    """The form; with review `reasons`, the same form asking for a justification."""
    values = form or FormValues(country=partner_country)
    blocks: list[Block] = []
    if reasons:
        blocks.append(
            section(
                "*This customer needs a reviewer's decision.*\n"
                f"{reason_lines(reasons)}\n"
                "Tell the reviewers below why this customer should be yours."
            )
        )
    blocks += [
        text_input(
            CUSTOMER_NAME,
            "Customer name",
            values.customer_name,
            max_length=NAME_MAX,
            optional=False,
            placeholder="The company or person you want to invite",
        ),
        email_input(
            EMAIL,
            "Email",
            values.email,
            placeholder="name@example.com",
            hint="The customer accepts your invitation with this email.",
        ),
        text_input(
            MOBILE,
            "Mobile",
            values.mobile,
            max_length=MOBILE_MAX,
            hint="Include the country code, or write it as dialled in the selected country.",
        ),
        context("At least one of email or mobile is needed."),
        _country_input(values.country, partner_country),
        text_input(INDUSTRY, "Industry", values.industry, max_length=INDUSTRY_MAX),
        text_input(NOTES, "Notes", values.notes, max_length=NOTES_MAX, multiline=True),
    ]
    if not reasons:
        return modal(PREREGISTER, "Pre-register", blocks, submit="Pre-register")
    blocks.append(
        text_input(
            JUSTIFICATION,
            "Justification",
            values.justification,
            max_length=JUSTIFICATION_MAX,
            optional=False,
            multiline=True,
            placeholder="Why should this customer be yours? What have you done together so far?",
        )
    )
    return modal(PREREGISTER_REVIEW, "Pre-register", blocks, submit="Submit for review")


def _country_input(chosen: str, partner_country: str) -> Block:
    element: dict[str, Any] = {
        "type": "static_select",
        "action_id": VALUE,
        "placeholder": plain("Choose a country or region"),
        "option_groups": country_option_groups(),
    }
    initial = country_option(chosen) or country_option(partner_country)
    if initial is not None:
        element["initial_option"] = initial
    return {
        "type": "input",
        "block_id": COUNTRY,
        "label": plain("Country / region"),
        "element": element,
        "optional": False,
    }


# --------------------------------------------------------------------------
# The answer, shown in the form's place
# --------------------------------------------------------------------------


def _result(title: str, blocks: list[Block]) -> dict[str, Any]:
    return modal(RESULT, title, blocks, close="Done")


def _reference(registration: Registration, *more: str) -> list[Block]:
    texts = [*more]
    if registration.id is not None:
        texts.append(f"Registration #{registration.id}")
    return [context(*texts)] if texts else []


def registered_view(registration: Registration) -> dict[str, Any]:
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
        *_reference(registration),
    ]
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


def blocked_view(customer_name: str, reason: Reason) -> dict[str, Any]:
    """Why not, in plain words; never the reason's evidence, never another partner."""
    next_step = PARTNER_NEXT_STEP.get(
        reason.code, "Talk to your ecosystem manager if you think this is wrong."
    )
    blocks = [
        section(
            f":no_entry: *{escape_clip(customer_name, 1000)} can't be pre-registered.*\n"
            f"{partner_reason(reason)}"
        ),
        section(f"*What you can do*\n{next_step}"),
    ]
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
    return f"Its status: {registration.status.value.replace('_', ' ')}."


# --------------------------------------------------------------------------
# Ephemeral replies to /preregister
# --------------------------------------------------------------------------


def not_linked_message(user_id: str) -> Message:
    uid = escape(user_id)
    headline = "Your Slack account isn't linked to a partner company yet."
    return Message(
        text=headline,
        blocks=[
            section(
                f"*{headline}* So you can't pre-register customers.\n"
                "Ask your ecosystem manager or the prereg operators to link you, and give them"
                f" your Slack user ID: `{uid}`.\n"
                f"An operator links you with `prereg partners add … --slack-user {uid}`."
            )
        ],
    )


def no_contact_message() -> Message:
    headline = "Your company has no email or mobile number on file."
    return Message(
        text=f"{headline} Set one with /preregister profile before pre-registering customers.",
        blocks=[
            section(
                f"*{headline}* Set one before pre-registering customers"
                " (also with `/preregister profile`)."
            ),
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": OPEN_PROFILE,
                        "text": plain("Set contact details"),
                        "style": "primary",
                    }
                ],
            },
        ],
    )


def quota_reached_message(use: QuotaUse) -> Message:
    headline = f"Your company holds {use.held} of {use.quota} customers, its limit."
    if use.next_expiry is not None:
        later = (
            f"The next one expires {slack_date(use.next_expiry)}. You can also free a place"
            " by deleting a customer you no longer need (`/preregister delete`)."
        )
    else:
        later = (
            "All of them are waiting for a reviewer's decision: places free up as reviewers"
            " decide (a rejected one at once, an approved one when its pre-registration ends)."
        )
    return Message(
        text=f"{headline} You can't pre-register another one right now.",
        blocks=[section(f"*{headline}* You can't pre-register another one right now.\n{later}")],
    )


def help_message(policy: Policy) -> Message:
    validity = duration_words(policy.validity)
    days = "day" if policy.review_sla_days == 1 else "days"
    return Message(
        text="How /preregister works",
        blocks=[
            {"type": "header", "text": plain("Pre-register your customers")},
            section(
                f"`/preregister` opens a form: reserve a potential customer for {validity}"
                " and know at once where you stand.\n"
                "`/preregister list`: your customers, to invite them or create opportunities\n"
                "`/preregister profile`: your company's contact email and mobile\n"
                "`/preregister delete`: give up a customer you no longer need\n"
                "`/preregister help`: this message"
            ),
            section(
                "*The rules*\n"
                f"• A pre-registration holds the customer for your company for {validity}."
                " Invite them to register and associate before then.\n"
                f"• Your company holds at most {policy.quota} customers at a time, counting"
                " those waiting for review. It needs an email or mobile on file.\n"
                "• *Not possible:* customers associated with a partner, held by another"
                " partner, under contract with the cloud, or already spending or registered"
                " on the cloud (unless its direct sales follows them).\n"
                "• *Goes to review*, with your justification: customers the cloud's direct"
                f" sales follows (registered over {policy.registered_days} days ago or"
                " spending), in another country than your company, or of the online sales"
                f" team. Reviewers answer within {policy.review_sla_days} working {days}."
            ),
        ],
    )


def unknown_subcommand_message(text: str, policy: Policy) -> Message:
    typed = escape_clip(" ".join(text.split()).replace("`", "'"), 100) or "that"
    line = f"I don't know `{typed}`."
    help_ = help_message(policy)
    return Message(
        text=f"{line} Here's what /preregister does.",
        blocks=[section(line), *help_.blocks],
    )
