"""Extensions through review: the request's own card in the reviewers' channel, its chasers,
and the partner's DM with the outcome (the modals are in bot/blocks/extension_modals.py).

Everything the partner typed is shown inert (escaped or plain_text). Handlers rely on the ids.
"""

from __future__ import annotations

from datetime import datetime

from bot.blocks import limits
from bot.blocks.dossier import record_text
from bot.blocks.kit import context, field, header, mrkdwn, plain, section
from bot.blocks.message import Block, Message
from bot.blocks.text import clip, escape_clip, is_slack_user_id, plain_words, slack_date, user_ref
from bot.domain.extension_requests import ExtensionRequest, ExtensionStatus
from bot.domain.model import Partner, Registration
from bot.services.delivery import Obsolete
from bot.services.dossier import Dossier

REQUEST_EXTENSION = "request_extension"  # the button (reminder DM) and menu option (list, Home)
REQUEST_MODAL = "extension_request"
JUSTIFICATION = "justification"  # the same block id as the pre-registration form's
JUSTIFICATION_MAX = 2000
APPROVE_EXTENSION = "extension_approve"
REJECT_EXTENSION = "extension_reject"
REJECT_MODAL = "extension_reject_reason"
REASON_BLOCK = "reason"
REASON_MAX = 2000
NAME_LIMIT = 200

REQUEST_LABEL = "Request an extension"
EXTEND_LABEL = "Extend"


def extend_value(registration: Registration) -> str:
    """An Extend button's value: the registration and the extensions taken as shown, so that
    a second click on the same copy (or a colleague's) is stale instead of extending again."""
    return f"{registration.id}@{registration.extensions}"


def name_of(registration: Registration) -> str:
    return f"*{escape_clip(registration.customer.name, NAME_LIMIT)}*"


def extension_card(
    asked: ExtensionRequest,
    registration: Registration,
    partner: Partner,
    dossier: Dossier | None = None,
) -> Message:
    """The request's own card, in its state now: pending with buttons, else the outcome."""
    customer = registration.customer
    until = registration.valid_until
    taken = f"{asked.extensions} by the partner itself (the most it may take)"
    blocks: list[Block] = [
        header(f"Extension request: {customer.name}"),
        {
            "type": "section",
            "fields": [
                field("Customer", customer.name),
                field("Email", customer.email),
                field("Mobile", customer.mobile),
                field("Partner company", f"{partner.name} ({partner.id})"),
                # The date is ours, not typed: a Slack date, not escaped text.
                mrkdwn(f"*Valid until (now)*\n{slack_date(until) if until else 'not set'}"),
                field("Extensions taken", taken),
            ],
        },
        *_justification(asked),
    ]
    if dossier is not None and asked.pending:
        blocks.append(section(record_text(dossier)))
    blocks.append(context(_context_line(asked, registration)))
    if asked.pending:
        blocks.append(_actions(asked, registration, partner))
    else:
        blocks.append(section(outcome_line(asked, registration)))
    verb = "Extension request" if asked.pending else _headline(asked)
    text = (
        f"{verb}: {escape_clip(customer.name, NAME_LIMIT)} for"
        f" {escape_clip(partner.name, NAME_LIMIT)}"
    )
    return Message(clip(text, limits.SECTION), blocks)


def outcome_line(asked: ExtensionRequest, registration: Registration) -> str:
    who = user_ref(asked.decided_by, unknown="a reviewer")
    when = f" {slack_date(asked.decided_at)}" if asked.decided_at else ""
    if asked.status is ExtensionStatus.APPROVED:
        until = registration.valid_until
        valid = f" — valid until {slack_date(until)}" if until else ""
        return f"✅ Extension approved by {who}{when}{valid}"
    if asked.status is ExtensionStatus.REJECTED:
        reason = escape_clip(asked.decision_note or "no reason given", limits.FIELD)
        return f"❌ Extension rejected by {who}{when}: {reason}"
    if asked.status is ExtensionStatus.LAPSED:
        ended = registration.status.value.replace("_", " ")
        return f"⌛ Lapsed{when}: the reservation ended ({ended}) before anyone decided."
    return "Waiting for a reviewer."


def decision_dm(asked: ExtensionRequest, registration: Registration) -> Message:
    """To each of the company's users once the request is decided or has lapsed."""
    name = name_of(registration)
    until = registration.valid_until
    by = user_ref(asked.decided_by, "a reviewer")
    if asked.status is ExtensionStatus.APPROVED:
        assert until is not None
        headline = f"✅ Extension approved by {by}: {name} is reserved until {slack_date(until)}."
        blocks: list[Block] = [section(headline)]
    elif asked.status is ExtensionStatus.REJECTED:
        headline = f"❌ Your extension request for {name} was rejected."
        reason = escape_clip(asked.decision_note or "No reason was given.", limits.SECTION - 40)
        ends = f"It still ends {slack_date(until)}." if until else ""
        blocks = [section(headline), section(f"*Reviewer's reason*\n{reason}"), context(ends)]
    elif asked.status is ExtensionStatus.LAPSED:
        headline = (
            f"⌛ Your extension request for {name} lapsed: the reservation ended before a reviewer"
            " decided."
        )
        blocks = [
            section(headline),
            context(
                "Pre-register the customer again if you still work with them: the rules run again."
            ),
        ]
    else:
        raise ValueError(f"extension request {asked.id} is still pending")
    return Message(clip(plain_words(headline), limits.SECTION), blocks)


def chase_message(asked: ExtensionRequest, overdue: bool, reviewers: list[str]) -> Message:
    if not asked.pending:
        raise Obsolete("the extension request was decided meanwhile")
    due = slack_date(asked.review_due)
    if overdue:
        mentions = "".join(f"<@{u}> " for u in reviewers if is_slack_user_id(u))
        text = f"🚨 {mentions}this extension request was due {due} and is still waiting."
    else:
        text = f"⏰ Half the answer time has passed: please decide this extension by {due}."
    return Message(text, [section(text)])


def pending_line(asked_due: datetime | None) -> str:
    """On the partner's rows and reminders while a request waits."""
    when = f", answer due {slack_date(asked_due)}" if asked_due else ""
    return f"Extension requested: a reviewer decides{when}"


# --------------------------------------------------------------------------


def _justification(asked: ExtensionRequest) -> list[Block]:
    head = "*Justification*\n"
    return [section(head + escape_clip(asked.justification, limits.SECTION - len(head) - 10))]


def _context_line(asked: ExtensionRequest, registration: Registration) -> str:
    parts = [
        f"Extension request #{asked.id} for registration #{registration.id}",
        f"Requested by {user_ref(asked.requested_by)} {slack_date(asked.requested_at)}",
    ]
    if asked.pending:
        parts.append(f"*Answer by {slack_date(asked.review_due)}*")
    return clip(" · ".join(parts), limits.CONTEXT)


def _actions(asked: ExtensionRequest, registration: Registration, partner: Partner) -> Block:
    value = str(asked.id)
    confirm = {
        "title": plain("Approve this extension?", 100),
        "text": plain(
            f"{clip(registration.customer.name, 80)} stays reserved for"
            f" {clip(partner.name, 80)} for one more validity period, and the partner's users are"
            " told.",
            300,
        ),
        "confirm": plain("Approve", 30),
        "deny": plain("Cancel", 30),
    }
    return {
        "type": "actions",
        "block_id": "extension_review",
        "elements": [
            {
                "type": "button",
                "action_id": APPROVE_EXTENSION,
                "text": plain("Approve extension"),
                "style": "primary",
                "value": value,
                "confirm": confirm,
            },
            {
                "type": "button",
                "action_id": REJECT_EXTENSION,
                "text": plain("Reject"),
                "style": "danger",
                "value": value,
            },
        ],
    }


def _headline(asked: ExtensionRequest) -> str:
    return {
        ExtensionStatus.APPROVED: "✅ Extension approved",
        ExtensionStatus.REJECTED: "❌ Extension rejected",
        ExtensionStatus.LAPSED: "⌛ Extension request lapsed",
    }.get(asked.status, "Extension request")
