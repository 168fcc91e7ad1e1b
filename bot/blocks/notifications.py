"""The one place the outbox dispatcher turns a notification into a message.

Each kind has one renderer in RENDERERS; a new kind (reminder, expiry,
association…) adds one function and one entry. Renderers work from the
subject's current state, so a message sent late tells the truth as it is now.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import TypeVar

from bot.blocks.decision import decision_dm
from bot.blocks.extension_requests import chase_message, extension_card
from bot.blocks.extension_requests import decision_dm as extension_decision_dm
from bot.blocks.invite import associated_dm, email_failed_dm, email_sent_dm, preregistered_dm
from bot.blocks.message import Message
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
from bot.blocks.thread import answer_in_thread, justification_in_full, question_in_thread
from bot.blocks.waitlist import freed_dm
from bot.domain.extension_requests import ExtensionRequest
from bot.domain.model import Partner, Registration, Status
from bot.services.delivery import Obsolete
from bot.services.invitations import EmailOption
from bot.services.ports import Kind, Sent
from bot.services.subjects import Subject

Renderer = Callable[[Subject], Message]
T = TypeVar("T")


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
    link = subject.payload.get("invite_link")
    return decision_dm(_registration(subject), subject.partner, link, _email_option(subject))


def _needed(part: T | None, what: str) -> T:
    """A part of the subject this message cannot go without."""
    if part is None:
        raise ValueError(f"this notification needs {what}")
    return part


def _registration(subject: Subject) -> Registration:
    return _needed(subject.registration, "the registration it is about")


def _partner(subject: Subject) -> Partner:
    return _needed(subject.partner, "the partner company of the registration")


def _expiry_reminder(subject: Subject) -> Message:
    registration = _dated(subject, "valid_until")
    if registration.status is not Status.PREREGISTERED:
        raise Obsolete(f"the registration is {registration.status.value} now")
    return expiry_reminder(registration, _now(subject), subject.policy)


def _now(subject: Subject) -> datetime:
    return _needed(subject.now, "the moment it is sent")


def _request(subject: Subject) -> ExtensionRequest:
    return _needed(subject.extension, "its extension request")


def _extension(subject: Subject) -> Message:
    return extension_card(
        _request(subject), _registration(subject), _partner(subject), subject.dossier
    )


def _extension_decision(subject: Subject) -> Message:
    return extension_decision_dm(_request(subject), _registration(subject))


def _extension_chase(subject: Subject) -> Message:
    overdue = bool(subject.payload.get("overdue"))
    return chase_message(_request(subject), overdue, list(subject.payload.get("reviewers", ())))


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
