"""Messages of time passing: expiry reminders and notices, and chasing the reviewers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.blocks.kit import context, plain, reason_lines, section
from bot.blocks.message import Block, Message
from bot.blocks.text import escape_clip, is_slack_user_id, slack_date
from bot.domain.model import Reason, Registration, Status
from bot.services.delivery import Obsolete

RENEW = "renew"
NAME_LIMIT = 200


def _name(registration: Registration) -> str:
    return f"*{escape_clip(registration.customer.name, NAME_LIMIT)}*"


def expiry_reminder(registration: Registration) -> Message:
    """To each of the company's users, at each configured offset before the end."""
    until = registration.valid_until
    if registration.status is not Status.PREREGISTERED or until is None:
        raise Obsolete(f"the registration is {registration.status.value} now")
    headline = (
        f"⏳ {_name(registration)} stays reserved for your company until {slack_date(until)}."
    )
    blocks: list[Block] = [
        section(headline),
        section(
            "Renewing runs the rules again now: if the customer is still free for you, the "
            "reservation starts over for the full period. If not, it still ends on its date."
        ),
        {
            "type": "actions",
            "block_id": "renewal",
            "elements": [
                {
                    "type": "button",
                    "action_id": RENEW,
                    "text": plain("Renew", 75),
                    "value": str(registration.id),
                    "style": "primary",
                }
            ],
        },
    ]
    return Message(headline, blocks)


def expired_notice(registration: Registration) -> Message:
    headline = f"⌛ The pre-registration of {_name(registration)} has ended."
    blocks = [
        section(headline),
        context(
            "The customer no longer counts toward your quota and is free for any partner. "
            "`/preregister` it again if you still work with them: the rules run again."
        ),
    ]
    return Message(headline, blocks)


def review_halfway(registration: Registration) -> Message:
    due = registration.review_due
    assert due is not None
    if registration.status is not Status.PENDING_REVIEW:
        raise Obsolete("the review was decided meanwhile")
    text = f"⏰ Half the answer time has passed: please decide by {slack_date(due)}."
    return Message(text, [section(text)])


def review_overdue(registration: Registration, reviewers: Iterable[str]) -> Message:
    due = registration.review_due
    assert due is not None
    if registration.status is not Status.PENDING_REVIEW:
        raise Obsolete("the review was decided meanwhile")
    mentions = "".join(f"<@{u}> " for u in reviewers if is_slack_user_id(u))
    text = f"🚨 {mentions}this request was due {slack_date(due)} and is still waiting."
    return Message(text, [section(text)])


def renewed_message(registration: Registration) -> Message:
    until = registration.valid_until
    assert until is not None
    text = (
        f"✅ Renewed: {_name(registration)} is reserved for your company until {slack_date(until)}."
    )
    return Message(text, [section(text)])


def not_renewed_message(registration: Registration, reasons: Sequence[Reason]) -> Message:
    """The rules now say review or no: the reservation keeps its end date."""
    until = registration.valid_until
    ends = f" It still ends {slack_date(until)}." if until else ""
    text = f"Not renewed: {_name(registration)}.{ends}"
    return Message(text, [section(f"{text}\n{reason_lines(reasons)}")])


def renewal_gone_message() -> Message:
    text = "This reservation has already ended. Run `/preregister` to pre-register again."
    return Message(text, [section(text)])
