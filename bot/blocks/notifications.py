"""The one place the outbox dispatcher turns a notification into a message.

Each kind has one renderer in RENDERERS; a new kind (reminder, expiry,
association…) adds one function and one entry. Renderers work from the
subject's current state, so a message sent late tells the truth as it is now.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from bot.blocks import glossary, limits
from bot.blocks.continuations import again
from bot.blocks.extension_requests import chase_message, decision_dm, extension_card
from bot.blocks.invite import (
    associated_dm,
    email_failed_dm,
    email_sent_dm,
    invite_blocks,
    preregistered_dm,
)
from bot.blocks.kit import context, section
from bot.blocks.message import Block, Message
from bot.blocks.questions import question_dm, question_settled
from bot.blocks.reminders import (
    ended_copy,
    expired_notice,
    expiry_reminder,
    reminder_now,
    review_halfway,
    review_overdue,
)
from bot.blocks.review import review_card
from bot.blocks.text import clip, escape_clip, plain_words, slack_date, user_ref
from bot.blocks.thread import answer_in_thread, justification_in_full, question_in_thread
from bot.blocks.waitlist import freed_dm
from bot.domain.model import Partner, Registration, Status
from bot.services.delivery import Obsolete
from bot.services.invitations import EmailOption
from bot.services.ports import Kind, Sent
from bot.services.subjects import Subject

SECTION_LIMIT = limits.SECTION
NAME_LIMIT = 200

Renderer = Callable[[Subject], Message]


def render(kind: Kind, subject: Subject) -> Message:
    """The message for one notification; ValueError when the subject lacks what it needs."""
    renderer = RENDERERS.get(kind)
    if renderer is None:
        raise ValueError(f"no message is defined for notification kind {kind!r}")
    return renderer(subject)


def _review_card(subject: Subject) -> Message:
    registration, partner = _registration(subject), _partner(subject)
    return review_card(registration, partner, subject.dossier)


def _justification(subject: Subject) -> Message:
    return justification_in_full(_registration(subject))


def _decision(subject: Subject) -> Message:
    """A DM to each of the partner company's users once a reviewer has decided."""
    registration = _registration(subject)
    if registration.decided_by is None or registration.status is Status.PENDING_REVIEW:
        raise ValueError(f"registration {registration.id} has not been decided")
    name = f"*{escape_clip(registration.customer.name, NAME_LIMIT)}*"
    if registration.status is Status.REJECTED or registration.decision_note is not None:
        return _rejected(registration, name)
    return _approved(registration, name, subject.partner, subject)


def _approved(
    registration: Registration, name: str, partner: Partner | None, subject: Subject
) -> Message:
    company = f" ({escape_clip(partner.name, NAME_LIMIT)})" if partner is not None else ""
    until = registration.valid_until
    by = user_ref(registration.decided_by, "a reviewer")
    headline = f"✅ Approved by {by}: {name} is pre-registered for your company{company}"
    if until is not None:
        headline += f" until {slack_date(until)}"
    next_steps = (
        "*Next steps*\n"
        "• Invite the customer to register and associate with your company.\n"
        "• Create an opportunity for this customer from `/preregister list`.\n"
        "• The reservation ends on its date unless the customer associates first."
    )
    blocks: list[Block] = [section(headline), section(next_steps)]
    link = subject.payload.get("invite_link")
    if registration.status is Status.PREREGISTERED and link:
        blocks += invite_blocks(registration, link, _email_option(subject))
    if registration.status is not Status.PREREGISTERED:
        blocks.append(context(f"Since then: {glossary.status_word(registration.status)}."))
    # The fallback names no one: a notification shows a mention as its raw ID.
    said = headline.replace(f"Approved by {by}", "Approved by a reviewer", 1)
    return Message(text=clip(plain_words(said), SECTION_LIMIT), blocks=blocks)


def _rejected(registration: Registration, name: str) -> Message:
    headline = f"❌ The review request for {name} was rejected"
    reason_head = "*Reviewer's reason*\n"
    reason = registration.decision_note or "No reason was given."
    what_now = (
        "*What you can do*\n"
        "• Talk to your ecosystem manager if you think the decision should change.\n"
        "• If something has changed, run `/preregister` again with a fuller justification."
    )
    blocks: list[Block] = [
        section(headline),
        section(reason_head + escape_clip(reason, SECTION_LIMIT - len(reason_head))),
        section(what_now),
        again(registration.id),
    ]
    return Message(text=clip(plain_words(headline), SECTION_LIMIT), blocks=blocks)


def _registration(subject: Subject) -> Registration:
    if subject.registration is None:
        raise ValueError("this notification needs the registration it is about")
    return subject.registration


def _partner(subject: Subject) -> Partner:
    if subject.partner is None:
        raise ValueError("this notification needs the partner company of the registration")
    return subject.partner


def _expiry_reminder(subject: Subject) -> Message:
    registration = _dated(subject, "valid_until")
    if registration.status is not Status.PREREGISTERED:
        raise Obsolete(f"the registration is {registration.status.value} now")
    return expiry_reminder(registration, _now(subject), subject.policy)


def _now(subject: Subject) -> datetime:
    if subject.now is None:
        raise ValueError("this notification needs the moment it is sent")
    return subject.now


def _extension(subject: Subject) -> Message:
    if subject.extension is None:
        raise ValueError("this notification needs its extension request")
    return extension_card(
        subject.extension, _registration(subject), _partner(subject), subject.dossier
    )


def _extension_decision(subject: Subject) -> Message:
    if subject.extension is None:
        raise ValueError("this notification needs its extension request")
    return decision_dm(subject.extension, _registration(subject))


def _extension_chase(subject: Subject) -> Message:
    if subject.extension is None:
        raise ValueError("this notification needs its extension request")
    overdue = bool(subject.payload.get("overdue"))
    return chase_message(subject.extension, overdue, list(subject.payload.get("reviewers", ())))


def _question_now(subject: Subject) -> Message:
    """A question's DM while it waits keeps its Reply button; once answered, lapsed or decided
    it says so, without one."""
    registration = _registration(subject)
    try:
        return question_dm(registration, reminder=bool(subject.payload.get("reminder")))
    except Obsolete:
        return question_settled(registration)


REFRESHERS: dict[Kind, Renderer] = {
    Kind.QUESTION: _question_now,
    Kind.QUESTION_REMINDER: lambda s: _question_now(replace(s, payload={"reminder": True})),
    Kind.EXPIRY_REMINDER: lambda s: reminder_now(_registration(s), _now(s), s.policy),
    Kind.EXPIRED: lambda s: expired_notice(_registration(s)),
    Kind.DECISION: lambda s: _decision(s),
    Kind.PREREGISTERED: lambda s: _preregistered_now(s),
}
"""How a DM already sent reads after its registration changed (MESSAGES_REFRESH)."""


def refreshed(sent: Sent, subject: Subject) -> Message:
    """The sent message as it reads now, with the payload it was sent with."""
    return REFRESHERS[sent.kind](replace(subject, payload=dict(sent.payload)))


def _expired(subject: Subject) -> Message:
    return expired_notice(_registration(subject))


def _review_halfway(subject: Subject) -> Message:
    return review_halfway(_dated(subject, "review_due"))


def _review_overdue(subject: Subject) -> Message:
    return review_overdue(_dated(subject, "review_due"), subject.payload.get("reviewers", ()))


def _dated(subject: Subject, moment: str) -> Registration:
    registration = _registration(subject)
    if getattr(registration, moment) is None:
        raise ValueError(f"registration {registration.id} has no {moment}")
    return registration


def _email_option(subject: Subject) -> EmailOption:
    """For a DM: the partner's click re-checks the daily limit."""
    if not subject.payload.get("email"):
        return EmailOption.NOT_CONFIGURED
    if subject.registration is None or not subject.registration.customer.email:
        return EmailOption.NO_EMAIL
    return EmailOption.AVAILABLE


def _preregistered(subject: Subject) -> Message:
    return preregistered_dm(
        _registration(subject), subject.payload.get("invite_link"), _email_option(subject)
    )


def _preregistered_now(subject: Subject) -> Message:
    """Its Invite buttons stay only while the customer can still be invited."""
    registration, now = _registration(subject), _now(subject)
    if registration.status is Status.PREREGISTERED and registration.is_active(now):
        return _preregistered(subject)
    return ended_copy(registration, now)


def _associated(subject: Subject) -> Message:
    return associated_dm(_registration(subject))


def _email_sent(subject: Subject) -> Message:
    return email_sent_dm(_registration(subject))


def _email_failed(subject: Subject) -> Message:
    return email_failed_dm(_registration(subject), subject.payload.get("error"))


RENDERERS: dict[Kind, Renderer] = {
    Kind.REVIEW_REQUEST: _review_card,
    Kind.REVIEW_DECIDED: _review_card,
    Kind.DECISION: _decision,
    Kind.EXPIRY_REMINDER: _expiry_reminder,
    Kind.EXPIRED: _expired,
    Kind.REVIEW_HALFWAY: _review_halfway,
    Kind.REVIEW_OVERDUE: _review_overdue,
    Kind.PREREGISTERED: _preregistered,
    Kind.ASSOCIATED: _associated,
    Kind.INVITE_EMAIL_SENT: _email_sent,
    Kind.INVITE_EMAIL_FAILED: _email_failed,
    Kind.REVIEW_JUSTIFICATION: _justification,
    Kind.REVIEW_UPDATED: _review_card,
    Kind.QUESTION: lambda subject: question_dm(_registration(subject)),
    Kind.QUESTION_REMINDER: lambda subject: question_dm(_registration(subject), reminder=True),
    Kind.CUSTOMER_FREED: lambda subject: freed_dm(subject.payload),
    Kind.QUESTION_IN_THREAD: lambda subject: question_in_thread(subject.payload),
    Kind.EXTENSION_REQUEST: _extension,
    Kind.EXTENSION_DECIDED: _extension,
    Kind.EXTENSION_DECISION: _extension_decision,
    Kind.EXTENSION_CHASE: _extension_chase,
    Kind.ANSWER_IN_THREAD: lambda subject: answer_in_thread(
        subject.payload, _registration(subject)
    ),
}
