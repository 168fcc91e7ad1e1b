"""The words for every refusal, in one table: what a partner or reviewer reads when we say no.

`answer(refused)` gives a title (for a modal), the message, and for refusals that belong
under one input of a form, that input's block id. The Slack edge (bot/handlers/refusals.py)
shows it as a field error, an updated modal or an ephemeral reply.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.blocks import glossary
from bot.blocks import opportunities as opportunity_ids
from bot.blocks import preregister as form_ids
from bot.blocks.invite import EMAIL_WORDS
from bot.blocks.refusal_answers import (
    Answer,
    decided_outcome,
    extended_since,
    not_open,
    stale,
    used_up,
    words,
)
from bot.blocks.reminders import not_extended_message
from bot.blocks.replies import no_contact_message, not_linked_message, quota_reached_message
from bot.blocks.review import NOT_A_REVIEWER, OWN_COMPANY, refusal_message
from bot.blocks.text import escape, escape_clip, slack_date
from bot.domain.errors import (
    AlreadyExtended,
    ExtensionNotOpen,
    ExtensionsUsedUp,
    NoContactOnFile,
    NotAReviewer,
    OpportunityNotAllowed,
    OwnCompanyReview,
    QuotaReached,
    Refusal,
    TransitionNotAllowed,
)
from bot.domain.extension_requests import (
    ExtensionRequestDecided,
    ExtensionRequestPending,
    SelfExtensionLeft,
)
from bot.domain.invite_email import EmailJustSent
from bot.domain.opportunities import InvalidOpportunity, StageUnchanged
from bot.domain.questions import NoOpenQuestion, QuestionOpen
from bot.domain.waitlist import NotHeldByAnother, NotWaiting
from bot.services.errors import (
    EmailLimitReached,
    EmailNotConfigured,
    ExtensionNeedsReview,
    InvitingNotConfigured,
    JustificationRequired,
    NoEmailOnFile,
    NotInvitable,
    OpenOpportunities,
    RegistrationNotFound,
    UnknownPartner,
)
from bot.services.invitations import EmailOption

GONE = "This registration no longer exists, or it is not one of your company's."
JUSTIFY = "Tell the reviewers why this customer should be yours."
QUESTION_WAITING = "The partner has not answered the last question yet: one question at a time."
ALREADY_ANSWERED = "This question was already answered; the reviewers have it."
FREE_NOW = "Nobody else holds this customer now: run `/preregister` to reserve it."
NOT_WAITING = "You are no longer on that waiting list (told already, left, or lapsed)."
EXTEND_YOURSELF = "No reviewer is needed: you can still extend this one yourself with Extend."
REQUEST_WAITING = (
    "An extension request for this customer already waits for a reviewer; every user of your"
    " company gets a DM with the decision."
)
UNREADABLE = "That request could not be read, so nothing was changed. Please try again."


class UnreadableRequest(Refusal):
    """A payload or button value that is not what our own views send."""


class UnknownControl(Refusal):
    """A button or form no listener knows: not one of ours, or from a version long gone."""


UNKNOWN = (
    "prereg does not know that button or form (it may be left from an older version), so"
    " nothing was changed. `/preregister help` shows what you can do."
)


_Rule = Callable[[Any], Answer]

ANSWERS: dict[type[Refusal], _Rule] = {
    UnknownPartner: lambda r: Answer("Not linked", not_linked_message(r.who)),
    NoContactOnFile: lambda r: Answer("Contact needed", no_contact_message()),
    QuotaReached: lambda r: Answer("Quota reached", quota_reached_message(r.use)),
    NotAReviewer: lambda r: Answer("Not allowed", refusal_message(NOT_A_REVIEWER)),
    OwnCompanyReview: lambda r: Answer("Not allowed", refusal_message(OWN_COMPANY)),
    RegistrationNotFound: lambda r: Answer("Not found", words(GONE)),
    TransitionNotAllowed: stale,
    OpportunityNotAllowed: lambda r: Answer(
        "Not possible",
        words("Opportunities need a pre-registered or associated customer."),
        field=opportunity_ids.NAME,
    ),
    InvalidOpportunity: lambda r: Answer(
        "Check the details",
        words(opportunity_ids.problem_words(r.field, r.problems[r.field])),
        field=opportunity_ids.BLOCK_OF[r.field],
        errors=opportunity_ids.field_errors(r.problems),
    ),
    StageUnchanged: lambda r: Answer(
        "Nothing changed", words(f"It is at {r.stage.label} already; nothing was changed.")
    ),
    OpenOpportunities: lambda r: Answer(
        "Not deleted",
        words(
            f"*{escape_clip(r.registration.customer.name, 200)}* now has {r.count} open"
            f" opportunit{'y' if r.count == 1 else 'ies'}, so it was not deleted. Choose"
            " Delete in its own menu, which names them, to confirm."
        ),
    ),
    JustificationRequired: lambda r: Answer(
        "Justification needed", words(JUSTIFY), field=form_ids.JUSTIFICATION
    ),
    UnreadableRequest: lambda r: Answer("Not understood", words(UNREADABLE)),
    UnknownControl: lambda r: Answer("Not understood", words(UNKNOWN)),
    NotInvitable: lambda r: Answer(
        "Can't invite",
        words(
            f"This customer is {glossary.status_word(r.status)} now, so it can't be invited: only"
            " pre-registered customers within their validity can."
        ),
    ),
    InvitingNotConfigured: lambda r: Answer(
        "Can't invite",
        words("Invitations are not configured here (the operators set `INVITE_SECRET`)."),
    ),
    EmailNotConfigured: lambda r: Answer(
        "No email", words(EMAIL_WORDS[EmailOption.NOT_CONFIGURED])
    ),
    NoEmailOnFile: lambda r: Answer("No email", words(EMAIL_WORDS[EmailOption.NO_EMAIL])),
    EmailLimitReached: lambda r: Answer(
        "Email limit reached",
        words(
            f"{r.limit} invitation emails went to this customer in the last day, the most it"
            f" receives. The next one can go {slack_date(r.next_at)}; meanwhile send the link"
            " or the QR code."
        ),
    ),
    EmailJustSent: lambda r: Answer(
        "Email just sent",
        words(
            f"An invitation email went to {escape(r.address)} a moment ago, so no second one"
            " was sent: the customer has that one. Another can go"
            f" {slack_date(r.next_at)}."
        ),
    ),
    ExtensionsUsedUp: used_up,
    AlreadyExtended: extended_since,
    ExtensionNotOpen: not_open,
    ExtensionNeedsReview: lambda r: Answer(
        "Not extended", not_extended_message(r.registration, r.reasons)
    ),
    QuestionOpen: lambda r: Answer("Question waiting", words(QUESTION_WAITING)),
    SelfExtensionLeft: lambda r: Answer("Extend it yourself", words(EXTEND_YOURSELF)),
    ExtensionRequestPending: lambda r: Answer("Already requested", words(REQUEST_WAITING)),
    ExtensionRequestDecided: lambda r: Answer(
        "Already decided",
        words(f"This extension request was already decided. {decided_outcome(r)}"),
    ),
    NoOpenQuestion: lambda r: Answer("Already answered", words(ALREADY_ANSWERED)),
    NotHeldByAnother: lambda r: Answer("It's free now", words(FREE_NOW)),
    NotWaiting: lambda r: Answer("Not on the list", words(NOT_WAITING)),
}


def answer(refused: Refusal) -> Answer:
    """The most specific rule for the refusal's class; any other refusal in its own words."""
    for kind in type(refused).__mro__:
        rule = ANSWERS.get(kind)
        if rule is not None:
            return rule(refused)
    return Answer("Not possible", words(escape(str(refused))))
