"""The reviewers' side: the review card and the refusals a reviewer may meet.

The card is rendered from the registration's current state: pending → the evidence, the
reviewer's dossier and Approve / Reject; decided → who decided, when, and no buttons.
Handlers rely on the ids below; they are part of the contract. The evidence lines live in
bot/blocks/evidence.py, the dossier in bot/blocks/dossier.py, the reject modal in
bot/blocks/reject.py.
"""

from __future__ import annotations

from typing import Any

from bot.blocks import glossary, limits
from bot.blocks.dossier import dossier_blocks
from bot.blocks.evidence import country_label, reason_line
from bot.blocks.kit import field, header, mrkdwn, plain
from bot.blocks.message import Block, Message
from bot.blocks.questions import NEED_INFO, waiting_line
from bot.blocks.text import clip, escape_clip, slack_date, user_ref
from bot.domain.justification import preview
from bot.domain.model import Partner, Reason, Registration, Status
from bot.services.dossier import Dossier

REVIEW_ACTIONS = "review"
APPROVE = "approve"
REJECT = "reject"

SECTION_LIMIT = limits.SECTION
FIELD_LIMIT = limits.FIELD
CONTEXT_LIMIT = limits.CONTEXT
TEXT_LIMIT = 3000  # our own cap for the notification fallback (Slack takes 40 000)
MAX_REASON_LINES = 20

NOT_A_REVIEWER = "Only the vendor's reviewers can decide review requests."
OWN_COMPANY = (
    "You belong to the partner company that asked for this review, so you can't decide it."
)
IN_THE_THREAD = "_The whole justification is in this card's thread._"

_STATUS_LINES = {
    Status.EXPIRED: "⌛ The pre-registration has expired.",
    Status.DELETED: "🗑️ The partner has deleted this registration.",
    Status.ASSOCIATED: "🤝 The customer has associated with the partner.",
}


def review_card(
    registration: Registration, partner: Partner, dossier: Dossier | None = None
) -> Message:
    """The review request as the reviewers' channel shows it, in the registration's state now."""
    registration_id = _id(registration)
    pending = registration.status is Status.PENDING_REVIEW
    blocks: list[Block] = [
        header(f"Review request: {registration.customer.name}"),
        {"type": "section", "fields": _facts(registration, partner)},
        _reasons(registration),
        *(dossier_blocks(dossier) if dossier is not None and pending else []),
        *_typed_by_partner(registration),
        *_waiting(registration),
        {"type": "context", "elements": [mrkdwn(_context_line(registration, registration_id))]},
    ]
    if pending:
        blocks.append(_actions(registration, partner))
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
        lines.append(f"Status: {glossary.status_word(registration.status)}.")
    return "\n".join(lines)


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


def _reasons(registration: Registration) -> Block:
    reasons: tuple[Reason, ...] = registration.reasons
    if not reasons:
        return {"type": "section", "text": mrkdwn("*Why it needs review*\nNo reason recorded.")}
    lines = ["*Why it needs review*"]
    lines += [f"• {reason_line(r, registration.created_at)}" for r in reasons[:MAX_REASON_LINES]]
    if len(reasons) > MAX_REASON_LINES:
        lines.append(f"{len(reasons) - MAX_REASON_LINES} more reasons are not shown.")
    return {"type": "section", "text": mrkdwn(clip("\n".join(lines), SECTION_LIMIT))}


def _typed_by_partner(registration: Registration) -> list[Block]:
    blocks: list[Block] = []
    justification = registration.justification
    pending = registration.status is Status.PENDING_REVIEW
    if justification and justification.strip():
        # A long one would push the buttons off screen: a few lines here, the rest in the thread.
        cut = preview(justification) if pending else None
        head = "*Justification*\n"
        if cut is None:
            text = head + escape_clip(justification.strip(), SECTION_LIMIT - len(head))
        else:
            text = f"{head}{escape_clip(cut, SECTION_LIMIT - 200)}\n{IN_THE_THREAD}"
        blocks.append({"type": "section", "text": mrkdwn(text)})
    notes = registration.customer.notes
    if notes and notes.strip():
        head = "*Notes*\n"
        blocks.append({"type": "section", "text": mrkdwn(head + escape_clip(notes, 1000))})
    return blocks


def _context_line(registration: Registration, registration_id: int) -> str:
    parts = [glossary.registration_ref(registration_id)]
    submitted = "Submitted"
    if registration.created_by:
        submitted += f" by {user_ref(registration.created_by)}"
    parts.append(f"{submitted} {slack_date(registration.created_at)}")
    if registration.status is Status.PENDING_REVIEW and registration.question is not None:
        parts.append("*Clock paused: waiting on the partner*")
    elif registration.status is Status.PENDING_REVIEW and registration.review_due is not None:
        parts.append(f"*Answer by {slack_date(registration.review_due)}*")
    return clip(" · ".join(parts), CONTEXT_LIMIT)


def _actions(registration: Registration, partner: Partner) -> Block:
    value = str(registration.id)
    customer, company = registration.customer.name, partner.name
    confirm = {
        "title": plain("Approve this request?", 100),
        "text": plain(
            f"{clip(customer, 80)} becomes pre-registered for {clip(company, 80)} from now on,"
            " and the partner's users are told.",
            300,
        ),
        "confirm": plain("Approve", 30),
        "deny": plain("Cancel", 30),
    }
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
                "confirm": confirm,
            },
            {
                "type": "button",
                "action_id": REJECT,
                "text": plain("Reject"),
                "style": "danger",
                "value": value,
            },
            # One question at a time: while one waits, the card shows it instead.
            *(
                []
                if registration.question is not None
                else [
                    {
                        "type": "button",
                        "action_id": NEED_INFO,
                        "text": plain("Need more info"),
                        "value": value,
                    }
                ]
            ),
        ],
    }


def _waiting(registration: Registration) -> list[Block]:
    line = waiting_line(registration) if registration.status is Status.PENDING_REVIEW else None
    return [] if line is None else [{"type": "section", "text": mrkdwn(clip(line, SECTION_LIMIT))}]


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
    return glossary.status_title(registration.status)


def _who_for_whom(registration: Registration, partner: Partner) -> str:
    customer = escape_clip(registration.customer.name, 200)
    return f"{customer} for {escape_clip(partner.name, 200)}"
