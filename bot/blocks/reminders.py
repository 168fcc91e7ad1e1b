"""Messages of time passing: expiry reminders and notices, and chasing the reviewers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from bot.blocks.continuations import again
from bot.blocks.extension_requests import (
    EXTEND_LABEL,
    REQUEST_EXTENSION,
    REQUEST_LABEL,
    extend_value,
)
from bot.blocks.kit import actions, button, context, reason_lines, section
from bot.blocks.message import Block, Message
from bot.blocks.text import duration_words, escape_clip, is_slack_user_id, plain_words, slack_date
from bot.domain.extension_requests import may_request
from bot.domain.model import Reason, Registration, Status
from bot.domain.policy import Policy
from bot.services.delivery import Obsolete

EXTEND = "extend"
NAME_LIMIT = 200


def _name(registration: Registration) -> str:
    return f"*{escape_clip(registration.customer.name, NAME_LIMIT)}*"


def expiry_reminder(registration: Registration, now: datetime, policy: Policy) -> Message:
    """To each of the company's users, at each configured offset before the end."""
    if not registration.is_active(now) or registration.status is not Status.PREREGISTERED:
        raise Obsolete(f"the registration is {registration.status.value} now")
    return reminder_now(registration, now, policy)


def reminder_now(registration: Registration, now: datetime, policy: Policy) -> Message:
    """The reminder as it reads today: the copy already sent is updated to this in place."""
    until = registration.valid_until
    if registration.status is not Status.PREREGISTERED or until is None or now >= until:
        return ended_copy(registration, now)
    headline = (
        f"⏳ {_name(registration)} stays reserved for your company until {slack_date(until)}."
    )
    blocks: list[Block] = [section(headline)]
    if registration.can_extend(now, policy):
        left = policy.extensions - registration.extensions
        blocks += [
            section(
                f"Extend it by {duration_words(policy.validity)}: it then ends"
                f" {slack_date(until + policy.validity)}. The rules run again first."
                f" {'This is your last extension.' if left == 1 else f'{left} extensions left.'}"
            ),
            actions(
                button(EXTEND, EXTEND_LABEL, extend_value(registration), primary=True),
                block_id="extension",
            ),
        ]
    elif may_request(registration, now, policy):
        blocks += [
            section(
                f"{used_up_words(policy)} Approved, it would end"
                f" {slack_date(until + policy.validity)}."
            ),
            actions(
                button(REQUEST_EXTENSION, REQUEST_LABEL, registration.id), block_id="extension"
            ),
        ]
    elif registration.extension_request is not None:
        blocks.append(context("Extension requested: a reviewer decides, and you'll get a DM."))
    elif registration.extensions >= policy.extensions:
        blocks.append(context(used_up_words(policy)))
    return Message(plain_words(headline), blocks)


def used_up_words(policy: Policy) -> str:
    times = "once" if policy.extensions == 1 else f"{policy.extensions} times"
    if policy.extensions == 0:
        return (
            "Reservations are not extended at once here: in the last days you can request an"
            " extension, and a reviewer decides."
        )
    return (
        f"Extended already: you can extend a reservation yourself {times}. It ends on its date"
        " unless the customer associates first; in its last days you can request one more"
        " extension, and a reviewer decides."
    )


def ended_copy(registration: Registration, now: datetime) -> Message:
    """A notice whose registration has moved on: what is true now, without live buttons."""
    status = registration.status
    if status is Status.PREREGISTERED and registration.is_due_to_expire(now):
        status = Status.EXPIRED
    line = {
        Status.DELETED: f"{_name(registration)} was deleted: it no longer counts for you.",
        Status.EXPIRED: f"The pre-registration of {_name(registration)} has ended.",
        Status.ASSOCIATED: f"✅ {_name(registration)} has associated with your company.",
        Status.REJECTED: f"The review request for {_name(registration)} was rejected.",
        Status.PENDING_REVIEW: f"{_name(registration)} is waiting for a reviewer's decision.",
    }.get(status, f"{_name(registration)} is pre-registered.")
    return Message(plain_words(line), [section(line)])


def expired_notice(registration: Registration) -> Message:
    headline = f"⌛ The pre-registration of {_name(registration)} has ended."
    blocks = [
        section(headline),
        context(
            "The customer no longer counts toward your quota and is free for any partner. "
            "Pre-register it again if you still work with them: the rules run again."
        ),
    ]
    if registration.status is Status.EXPIRED:  # not once it is held again or associated
        blocks.append(again(registration.id))
    return Message(plain_words(headline), blocks)


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


def extended_message(registration: Registration, policy: Policy) -> Message:
    until = registration.valid_until
    assert until is not None
    text = f"✅ Extended: {_name(registration)} is reserved for you until {slack_date(until)}."
    return Message(
        plain_words(text),
        [section(text), context(used_up_words(policy))]
        if registration.extensions >= policy.extensions
        else [section(text)],
    )


def not_extended_message(registration: Registration, reasons: Sequence[Reason]) -> Message:
    """The rules now say review or no: the reservation keeps its end date."""
    until = registration.valid_until
    ends = f" It still ends {slack_date(until)}." if until else ""
    text = f"Not extended: {_name(registration)}.{ends}"
    return Message(plain_words(text), [section(f"{text}\n{reason_lines(reasons)}")])
