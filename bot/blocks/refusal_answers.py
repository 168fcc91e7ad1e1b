"""An answer to a refusal, and the answers that tell how a registration stands now.

A click on an older copy (a stale card, a reminder already acted on) is refused; its answer
says what is true now rather than only that nothing changed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from bot.blocks import glossary
from bot.blocks.kit import section
from bot.blocks.message import Message
from bot.blocks.reminders import used_up_words
from bot.blocks.review import already_decided_message
from bot.blocks.text import escape_clip, plain_words, slack_date, user_ref
from bot.domain.errors import (
    AlreadyExtended,
    ExtensionNotOpen,
    ExtensionsUsedUp,
    TransitionNotAllowed,
)
from bot.domain.extension_requests import ExtensionRequestDecided
from bot.domain.model import Registration, Status
from bot.domain.policy import Policy


@dataclass(frozen=True)
class Answer:
    title: str
    message: Message
    field: str | None = None
    """The form input the answer belongs under, when given in that form."""
    errors: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """In a form, the words under each of several inputs at once (block id: words)."""


def words(text: str) -> Message:
    return Message(plain_words(text), [section(text)])


NOT_DELETABLE = "Pending reviews and associated customers can't be deleted."
DECIDED_MEANWHILE = "The reviewers have already decided this request; nothing was changed."


def stale(refused: TransitionNotAllowed) -> Answer:
    """An action on a copy older than the registration: say what is true now."""
    registration: Registration | None = refused.registration
    decided = registration is not None and registration.status is not Status.PENDING_REVIEW
    if refused.action in ("approve", "reject", "decide") and decided:
        assert registration is not None
        return Answer("Already decided", already_decided_message(registration))
    name = f"*{escape_clip(registration.customer.name, 200)}*" if registration else "It"
    if refused.status == Status.DELETED:
        return Answer("Already deleted", words(f"{name} is already deleted."))
    if refused.status == Status.EXPIRED:
        return Answer(
            "Expired",
            words(f"The pre-registration of {name} has expired: it is free for any partner."),
        )
    if refused.action == "delete":
        return Answer("Not deleted", words(NOT_DELETABLE))
    if refused.status == Status.ASSOCIATED:
        return Answer("Associated", words(f"{name} has already associated with your company."))
    if refused.action in ("ask", "answer") and decided:
        return Answer("Already decided", words(DECIDED_MEANWHILE))
    status = glossary.status_word(refused.status)
    return Answer("Nothing changed", words(f"Nothing was changed: {name} is {status} now."))


def _until(registration: Registration | None, said: str) -> str:
    """` {said} <the day it is reserved until>.`, or nothing for a registration not known."""
    until = registration.valid_until if registration else None
    return f" {said} {slack_date(until)}." if until else ""


def extended_since(refused: AlreadyExtended) -> Answer:
    ends = _until(refused.registration, "It is now reserved until")
    return Answer(
        "Not extended", words(f"Not extended again: it was already extended meanwhile.{ends}")
    )


def used_up(refused: ExtensionsUsedUp) -> Answer:
    ends = _until(refused.registration, "It is reserved until")
    return Answer("Not extended", words(f"Not extended.{ends} {used_up_words_for(refused)}"))


def used_up_words_for(refused: ExtensionsUsedUp) -> str:
    return used_up_words(Policy(extensions=refused.limit))


def not_open(refused: ExtensionNotOpen) -> Answer:
    opens = refused.opens_at
    when = f" You can extend it from {slack_date(opens)}." if opens else ""
    return Answer("Not yet", words(f"It is too early to extend this reservation.{when}"))


def decided_outcome(refused: ExtensionRequestDecided) -> str:
    asked = refused.request
    status = asked.status.value
    who = f" by {user_ref(asked.decided_by)}" if asked.decided_by else ""
    return f"It is {status}{who}."
