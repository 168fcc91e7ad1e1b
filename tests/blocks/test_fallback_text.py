"""Every message's `text` fallback (notifications, screen readers) reads as plain words.

Walks every builder in bot.blocks that returns a Message, and every notification kind,
over registrations in each state (with hostile names), and looks for mrkdwn in `text`.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

import bot.blocks
from bot.blocks.message import Message
from bot.blocks.notifications import RENDERERS, refreshed, render
from bot.blocks.text import plain_words
from bot.domain.extension_requests import ExtensionRequest, ExtensionStatus
from bot.domain.model import Customer, Partner, Reason, ReasonCode, Registration, Status
from bot.domain.policy import Policy, QuotaUse
from bot.domain.questions import Question
from bot.services.delivery import Obsolete
from bot.services.invitations import EmailOption
from bot.services.ports import REFRESHED, Kind, Sent
from bot.services.subjects import Subject

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
REVIEWER = "UREV1"
HOSTILE = "*Kunde* _GmbH_ <!channel> `x` <@U0EVIL>"  # typed by a partner: stays escaped

TOKENS = {
    "bold": re.compile(r"(?<![\w*])\*(?=\S)[^*\n]+(?<=\S)\*(?![\w*])"),
    "italic": re.compile(r"(?<![\w_])_(?=\S)[^_\n]+(?<=\S)_(?![\w_])"),
    "strike": re.compile(r"(?<![\w~])~(?=\S)[^~\n]+(?<=\S)~(?![\w~])"),
    "code": re.compile(r"`"),
    "date": re.compile(r"<!date"),
    "special": re.compile(r"<!"),
    "mention": re.compile(r"<@"),
    "link": re.compile(r"<(?:https?|mailto):"),
}


def tokens_in(text: str) -> list[str]:
    return [name for name, pattern in TOKENS.items() if pattern.search(text)]


# --- the helper -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mrkdwn", "words"),
    [
        ("*Approved*: _soon_ ~old~ `code`", "Approved: soon old code"),
        ("*_both_*", "both"),
        ("by <@U0REV1> or <@W0REV2|anna>", "by someone or someone"),
        (
            "ends <!date^1764064800^{date_long_pretty}|2025-11-25 10:00 UTC>",
            "ends 2025-11-25 10:00 UTC",
        ),
        (
            "see <https://x.example/a?b=1|the page> or <https://x.example>",
            "see the page or https://x.example",
        ),
        ("<!here> hello", " hello"),
        ("Kunde &lt;!channel&gt; &amp; co", "Kunde &lt;!channel&gt; &amp; co"),  # stays inert
        (
            "it_ops@kunde.de, snake_case, 5*3 = 15, a * b",
            "it_ops@kunde.de, snake_case, 5*3 = 15, a * b",
        ),
    ],
)
def test_plain_words_drop_the_markup_and_keep_the_words(mrkdwn: str, words: str) -> None:
    assert plain_words(mrkdwn) == words
    assert Message(mrkdwn).text == words  # every Message's fallback goes through it


# --- every builder ----------------------------------------------------------------------


def partner() -> Partner:
    return Partner("acme", "Acme *Cloud* & Co", "DE", "sales@acme.example", None, ("UACME1",))


def registrations() -> Iterator[Registration]:
    customer = Customer(HOSTILE, "FR", email="it@kunde.de", mobile="+33123456789")
    reasons = (Reason(ReasonCode.COUNTRY_MISMATCH, {"customer": "FR", "partner": "DE"}),)
    base = Registration(
        "acme",
        customer,
        Status.PREREGISTERED,
        NOW - timedelta(days=14),
        created_by="UACME1",
        reasons=reasons,
        justification="We *know* them <!here> and _long_ enough to be cut. " * 40,
        valid_until=NOW + timedelta(days=1),
        review_due=NOW + timedelta(days=2),
        id=42,
    )
    yield base
    yield replace(base, status=Status.PENDING_REVIEW, valid_until=None)
    yield replace(
        base,
        status=Status.PENDING_REVIEW,
        valid_until=None,
        question=Question(
            "Who _is_ it?", REVIEWER, NOW, NOW + timedelta(days=1), NOW + timedelta(days=2)
        ),
    )
    approved = replace(base, decided_by=REVIEWER, decided_at=NOW - timedelta(days=1))
    yield approved
    yield replace(approved, status=Status.REJECTED, decision_note="Direct *sales*")
    for status in (Status.EXPIRED, Status.DELETED, Status.ASSOCIATED):
        yield replace(base, status=status, ended_at=NOW - timedelta(hours=1))


def extension(registration: Registration) -> ExtensionRequest:
    """The extension request that goes with a registration's state: decided as it was."""
    status = ExtensionStatus.PENDING
    if registration.status is Status.REJECTED:
        status = ExtensionStatus.REJECTED
    elif registration.decided_by is not None:
        status = ExtensionStatus.APPROVED
    elif registration.status in (Status.EXPIRED, Status.DELETED, Status.ASSOCIATED):
        status = ExtensionStatus.LAPSED
    decided = status is not ExtensionStatus.PENDING
    return ExtensionRequest(
        registration.id or 0,
        registration.partner_id,
        "UACME1",
        "We *know* them <!here>, for _years_.",
        NOW - timedelta(hours=3),
        NOW + timedelta(days=1),
        1,
        NOW + timedelta(days=2),
        status,
        decided_by=REVIEWER if decided and status is not ExtensionStatus.LAPSED else None,
        decided_at=NOW - timedelta(hours=1) if decided else None,
        decision_note="Direct *sales*" if status is ExtensionStatus.REJECTED else None,
        id=7,
    )


POLICY = Policy(quota=100)
ARGUMENTS: dict[str, Callable[[Registration], Any]] = {
    "Registration": lambda r: r,
    "Sequence[Registration]": lambda r: [r],
    "Partner": lambda r: partner(),
    "Partner | None": lambda r: partner(),
    "QuotaUse": lambda r: QuotaUse(37, 100, NOW + timedelta(days=3)),
    "datetime": lambda r: NOW,
    "Policy": lambda r: POLICY,
    "str": lambda r: "Nothing *was* changed for <@U0X>.",
    "str | None": lambda r: "SMTP said _no_",
    "EmailOption": lambda r: EmailOption.AVAILABLE,
    "Sequence[Reason]": lambda r: r.reasons,
    "Iterable[str]": lambda r: [REVIEWER],
    "list[str]": lambda r: [REVIEWER],
    "dict[str, Any]": lambda r: {
        "name": HOSTILE,
        "customer": '{"n":"Kunde","c":"FR","e":"it@kunde.de","m":null}',
        "entry": 1,
        "reviewer": REVIEWER,
        "user": "UACME1",
        "question": "Who *is* it?",
        "answer": "A _friend_ <!channel>",
    },
    "Subject": lambda r: subject(r),
    "ExtensionRequest": extension,
    "Kind": lambda r: Kind.DECISION,
    "Sent": lambda r: Sent(Kind.DECISION, {}, "D0ACME1", "1.2"),
    "bool": lambda r: True,
}


def subject(registration: Registration) -> Subject:
    payload: dict[str, Any] = {
        "invite_link": "https://x.example/i/t",
        "email": EmailOption.AVAILABLE,
    }
    payload |= {"offset_seconds": 86400, "reviewers": [REVIEWER], "error": "refused"}
    card = {"channel": "C0REVIEW", "ts": "1.1"}
    return Subject(
        registration, partner(), card, payload, NOW, POLICY, extension=extension(registration)
    )


def builders() -> Iterator[tuple[str, Callable[..., Message]]]:
    for found in pkgutil.iter_modules(bot.blocks.__path__):
        module = importlib.import_module(f"bot.blocks.{found.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            ours = function.__module__ == module.__name__ and not name.startswith("_")
            if ours and function.__annotations__.get("return") in ("Message", Message):
                yield f"{found.name}.{name}", function


def messages_of(function: Callable[..., Message]) -> Iterator[Message]:
    required = [p for p in inspect.signature(function).parameters.values() if p.default is p.empty]
    for registration in registrations():
        args = [ARGUMENTS[str(p.annotation)](registration) for p in required]
        try:
            yield function(*args)
        except (ValueError, Obsolete, AssertionError):  # not a state this message is for
            continue


@pytest.mark.parametrize(("name", "function"), list(builders()))
def test_every_builders_fallback_is_plain_words(
    name: str, function: Callable[..., Message]
) -> None:
    made = list(messages_of(function))
    assert made, f"{name} made no message in any state"
    for message in made:
        assert message.text.strip()
        assert tokens_in(message.text) == [], (name, message.text)


@pytest.mark.parametrize("kind", list(RENDERERS))
def test_every_notifications_fallback_is_plain_words(kind: Kind) -> None:
    made = []
    for registration in registrations():
        try:
            made.append(render(kind, subject(registration)))
            if kind in REFRESHED:
                made.append(refreshed(Sent(kind, {}, "D0ACME1", "1.2"), subject(registration)))
        except (ValueError, Obsolete):
            continue
    assert made, f"{kind} rendered nothing"
    for message in made:
        assert tokens_in(message.text) == [], (kind, message.text)


def test_the_walk_covers_the_builders() -> None:
    names = {name for name, _ in builders()}
    assert {
        "replies.quota_reached_message",
        "reminders.expiry_reminder",
        "review.review_card",
    } <= names
    assert len(names) >= 20
