"""The reviewers' side: the review card, the reject modal, and the refusals.

The card is rendered from the registration's current state: pending → Approve /
Reject buttons; decided → who decided, when, and no buttons. Handlers rely on the
ids below; they are part of the contract.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pycountry

from bot.blocks import limits
from bot.blocks.kit import field, header, mrkdwn, plain
from bot.blocks.message import Block, Message
from bot.blocks.text import (
    REVIEWER_WORDS,
    clip,
    escape_clip,
    slack_date,
    user_ref,
)
from bot.domain.model import Partner, Reason, Registration, Status

REVIEW_ACTIONS = "review"
APPROVE = "approve"
REJECT = "reject"
REJECT_MODAL = "reject_reason"
REASON_BLOCK = "reason"
REASON_ACTION = "value"
REASON_MAX_LENGTH = 2000

SECTION_LIMIT = limits.SECTION
FIELD_LIMIT = limits.FIELD
CONTEXT_LIMIT = limits.CONTEXT
TEXT_LIMIT = 3000  # our own cap for the notification fallback (Slack takes 40 000)
MAX_REASON_BLOCKS = 20  # keeps the card far below Slack's ~50 blocks per message
EVIDENCE_VALUE_LIMIT = 200

NOT_A_REVIEWER = "Only the vendor's reviewers can decide review requests."
OWN_COMPANY = (
    "You belong to the partner company that asked for this review, so you can't decide it."
)

_SITES = {"intl": "the international site", "cn": "the Chinese mainland site"}
_COUNTRY_SOURCES = {"directory": "from the directory", "typed": "as typed by the partner"}
_STATUS_LINES = {
    Status.EXPIRED: "⌛ The pre-registration has expired.",
    Status.DELETED: "🗑️ The partner has deleted this registration.",
    Status.ASSOCIATED: "🤝 The customer has associated with the partner.",
}


def review_card(registration: Registration, partner: Partner) -> Message:
    """The review request as the reviewers' channel shows it, in the registration's state now."""
    registration_id = _id(registration)
    name = registration.customer.name
    blocks: list[Block] = [
        header(f"Review request: {name}"),
        {"type": "section", "fields": _facts(registration, partner)},
        *_reasons(registration.reasons),
        *_typed_by_partner(registration),
        {"type": "context", "elements": [mrkdwn(_context_line(registration, registration_id))]},
    ]
    if registration.status is Status.PENDING_REVIEW:
        blocks.append(_actions(registration_id))
        text = f"Review request: {_who_for_whom(registration, partner)}"
    else:
        outcome = decision_lines(registration)
        blocks.append({"type": "section", "text": mrkdwn(clip(outcome, SECTION_LIMIT))})
        text = f"{_headline(registration)}: {_who_for_whom(registration, partner)}"
    return Message(text=clip(text, TEXT_LIMIT), blocks=blocks)


def decision_lines(registration: Registration) -> str:
    """What happened to the request: the decision (who, when) and, later, what followed."""
    lines = []
    if registration.decided_by is not None:
        lines.append(_decision_line(registration))
    status_line = _STATUS_LINES.get(registration.status)
    if status_line is not None:
        lines.append(status_line)
    if not lines:
        lines.append(f"Status: {registration.status.value.replace('_', ' ')}.")
    return "\n".join(lines)


def reject_modal(registration: Registration) -> dict[str, Any]:
    """Asks the reviewer why; the registration id travels in private_metadata."""
    name = registration.customer.name
    return {
        "type": "modal",
        "callback_id": REJECT_MODAL,
        "private_metadata": str(_id(registration)),
        "title": plain("Reject request"),
        "submit": plain("Reject"),
        "close": plain("Cancel"),
        "blocks": [
            {
                "type": "section",
                "text": plain(clip(f"Reject the review request for {name}?", SECTION_LIMIT)),
            },
            {
                "type": "input",
                "block_id": REASON_BLOCK,
                "label": plain("Reason"),
                "optional": False,
                "element": {
                    "type": "plain_text_input",
                    "action_id": REASON_ACTION,
                    "multiline": True,
                    "max_length": REASON_MAX_LENGTH,
                    "placeholder": plain("Why is this request rejected?"),
                },
                "hint": plain("The partner's users receive this reason in a direct message."),
            },
        ],
    }


def refusal_message(text: str) -> Message:
    """An ephemeral "no": the text is shown as written, inert (escaped), never as markup."""
    return _refusal(escape_clip(text, SECTION_LIMIT - 3))


def already_decided_message(registration: Registration) -> Message:
    """The second of two reviewers clicking at once: who decided it, and when."""
    if registration.status is Status.PENDING_REVIEW:
        raise ValueError(f"registration {registration.id} is still pending review")
    return _refusal(f"This request was already decided.\n{decision_lines(registration)}")


# --------------------------------------------------------------------------


def _id(registration: Registration) -> int:
    if registration.id is None:
        raise ValueError("a registration needs an id before reviewers can see it")
    return registration.id


def _refusal(words: str) -> Message:
    text = clip(f"🚫 {words}", SECTION_LIMIT)
    return Message(text=text, blocks=[{"type": "section", "text": mrkdwn(text)}])


def _facts(registration: Registration, partner: Partner) -> list[dict[str, Any]]:
    customer = registration.customer
    fields = [
        field("Customer", customer.name),
        field("Email", customer.email),
        field("Mobile", customer.mobile),
        field("Country / region", country_label(customer.country)),
        field("Partner company", f"{partner.name} ({partner.id})"),
        field("Partner country", country_label(partner.country)),
    ]
    if customer.industry:
        fields.append(field("Industry", customer.industry))
    return fields


def country_label(code: str | None) -> str:
    """`DE – Germany`; an unknown code as it is. Plain text: escape it for mrkdwn."""
    if not code:
        return "unknown"
    country = pycountry.countries.get(alpha_2=code.upper())
    if country is None:
        return code
    name = getattr(country, "common_name", None) or country.name
    return f"{code.upper()} – {name}"


def _reasons(reasons: tuple[Reason, ...]) -> list[Block]:
    if not reasons:
        return [{"type": "section", "text": mrkdwn("*Why it needs review*\nNo reason recorded.")}]
    blocks: list[Block] = [{"type": "section", "text": mrkdwn("*Why it needs review*")}]
    shown = reasons[:MAX_REASON_BLOCKS]
    for reason in shown:
        lines = [f"*{REVIEWER_WORDS[reason.code]}*", *(f"• {x}" for x in evidence_lines(reason))]
        blocks.append({"type": "section", "text": mrkdwn(clip("\n".join(lines), SECTION_LIMIT))})
    if len(reasons) > len(shown):
        more = f"{len(reasons) - len(shown)} more reasons are not shown."
        blocks.append({"type": "context", "elements": [mrkdwn(more)]})
    return blocks


def evidence_lines(reason: Reason) -> list[str]:
    """The facts behind a reason, as readable mrkdwn lines (values escaped)."""
    evidence = dict(reason.evidence)
    lines: list[str] = []
    if "customer_country" in evidence or "partner_country" in evidence:
        customer = _value(country_label(evidence.pop("customer_country", None)))
        partner = _value(country_label(evidence.pop("partner_country", None)))
        source = evidence.pop("source", None)
        where = _COUNTRY_SOURCES.get(source or "", f"source: {_value(source)}" if source else "")
        customer_part = f"customer {customer} ({where})" if where else f"customer {customer}"
        lines.append(f"{customer_part} vs partner {partner}")
    if "matched_on" in evidence:
        lines.append(f"matched on: {_value(evidence.pop('matched_on'))}")
    if "registered_at" in evidence:
        lines.append(f"registered on the cloud: {_moment(evidence.pop('registered_at'))}")
    if "has_spend" in evidence:
        spend = evidence.pop("has_spend")
        lines.append(f"has spend: {_yes_no(spend)}")
    if "site" in evidence:
        site = evidence.pop("site")
        lines.append(f"registered on: {_SITES.get(site, _value(site))}")
    if "registration_id" in evidence:
        lines.append(f"held by registration #{_value(evidence.pop('registration_id'))}")
    for key, value in sorted(evidence.items()):
        lines.append(f"{_value(key.replace('_', ' '))}: {_value(value)}")
    return lines


def _value(text: str | None) -> str:
    return escape_clip(text, EVIDENCE_VALUE_LIMIT) if text else "unknown"


def _yes_no(flag: str) -> str:
    return {"true": "yes", "false": "no"}.get(flag.lower(), _value(flag))


def _moment(iso: str) -> str:
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return _value(iso)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return slack_date(moment)


def _typed_by_partner(registration: Registration) -> list[Block]:
    blocks: list[Block] = []
    for label, value in (
        ("Justification", registration.justification),
        ("Notes", registration.customer.notes),
    ):
        if value and value.strip():
            head = f"*{label}*\n"
            text = head + escape_clip(value, SECTION_LIMIT - len(head))
            blocks.append({"type": "section", "text": mrkdwn(text)})
    return blocks


def _context_line(registration: Registration, registration_id: int) -> str:
    parts = [f"Request #{registration_id}"]
    submitted = "Submitted"
    if registration.created_by:
        submitted += f" by {user_ref(registration.created_by)}"
    parts.append(f"{submitted} {slack_date(registration.created_at)}")
    if registration.status is Status.PENDING_REVIEW and registration.review_due is not None:
        parts.append(f"*Answer by {slack_date(registration.review_due)}*")
    return clip(" · ".join(parts), CONTEXT_LIMIT)


def _actions(registration_id: int) -> Block:
    value = str(registration_id)
    return {
        "type": "actions",
        "block_id": REVIEW_ACTIONS,
        "elements": [
            {
                "type": "button",
                "action_id": APPROVE,
                "text": plain("Approve"),
                "style": "primary",
                "value": value,
            },
            {
                "type": "button",
                "action_id": REJECT,
                "text": plain("Reject"),
                "style": "danger",
                "value": value,
            },
        ],
    }


def _approved(registration: Registration) -> bool:
    return registration.status is not Status.REJECTED and registration.decision_note is None


def _decision_line(registration: Registration) -> str:
    who = user_ref(registration.decided_by, unknown="a reviewer")
    when = f" {slack_date(registration.decided_at)}" if registration.decided_at else ""
    if _approved(registration):
        until = registration.valid_until
        valid = f" — valid until {slack_date(until)}" if until is not None else ""
        return f"✅ Approved by {who}{when}{valid}"
    reason = registration.decision_note or "no reason given"
    return f"❌ Rejected by {who}{when}: {escape_clip(reason, FIELD_LIMIT)}"


def _headline(registration: Registration) -> str:
    if registration.decided_by is not None:
        return "✅ Approved" if _approved(registration) else "❌ Rejected"
    return registration.status.value.replace("_", " ").capitalize()


def _who_for_whom(registration: Registration, partner: Partner) -> str:
    customer = escape_clip(registration.customer.name, 200)
    return f"{customer} for {escape_clip(partner.name, 200)}"
