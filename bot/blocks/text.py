"""Words and safe text shared by every builder."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from bot.domain.model import Reason, ReasonCode

# What the partner reads: plain words, nothing about other partners.
PARTNER_WORDS: dict[ReasonCode, str] = {
    ReasonCode.ASSOCIATED: "This customer is already associated with a partner.",
    ReasonCode.HELD_BY_OTHER_PARTNER: "This customer is already pre-registered by someone else.",
    ReasonCode.ALREADY_YOURS: "Your company already holds this customer.",
    ReasonCode.CONTRACT: "This customer has signed a contract with the cloud directly.",
    ReasonCode.DIRECT_SALES_FOLLOWUP: "The cloud's direct sales team is following this customer.",
    ReasonCode.SPEND_WITHOUT_FOLLOWUP: "This customer already spends on the cloud.",
    ReasonCode.REGISTERED: "This customer already has an account on the cloud.",
    ReasonCode.COUNTRY_MISMATCH: "The customer is in another country than your company.",
    ReasonCode.ONLINE_SALES: "This customer belongs to the cloud's online sales team.",
}

# What the partner can do about a block.
PARTNER_NEXT_STEP: dict[ReasonCode, str] = {
    ReasonCode.ASSOCIATED: "Nothing to do here: the customer has chosen its partner.",
    ReasonCode.HELD_BY_OTHER_PARTNER: (
        "It becomes free again if that reservation expires or is deleted; try again later."
    ),
    ReasonCode.CONTRACT: "Talk to your ecosystem manager if you work with this customer already.",
    ReasonCode.SPEND_WITHOUT_FOLLOWUP: (
        "Talk to your ecosystem manager if you work with this customer already."
    ),
    ReasonCode.REGISTERED: (
        "Registered customers can't be pre-registered; ask your ecosystem manager about"
        " associating them."
    ),
}

# What a reviewer reads: the rule that fired.
REVIEWER_WORDS: dict[ReasonCode, str] = {
    ReasonCode.ASSOCIATED: "Associated with a partner",
    ReasonCode.HELD_BY_OTHER_PARTNER: "Held by another partner",
    ReasonCode.ALREADY_YOURS: "Already held by this partner",
    ReasonCode.CONTRACT: "Signed a contract with the cloud",
    ReasonCode.DIRECT_SALES_FOLLOWUP: "Followed up by direct sales",
    ReasonCode.SPEND_WITHOUT_FOLLOWUP: "Has spend, no direct sales follow-up",
    ReasonCode.REGISTERED: "Registered on a cloud site",
    ReasonCode.COUNTRY_MISMATCH: "Customer country differs from the partner's",
    ReasonCode.ONLINE_SALES: "Belongs to the online sales team",
}


def escape(text: str) -> str:
    """Make user-typed text inert in mrkdwn and message text (`&` first, then `<`, `>`)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """Shorten to Slack's limit, saying so with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def slack_date(moment: datetime, fallback_format: str = "%Y-%m-%d %H:%M UTC") -> str:
    """A time Slack shows in each reader's own time zone, with a UTC fallback."""
    fallback = moment.astimezone(UTC).strftime(fallback_format)
    return f"<!date^{int(moment.timestamp())}^{{date_long_pretty}} at {{time}}|{fallback}>"


def partner_reason(reason: Reason) -> str:
    return PARTNER_WORDS[reason.code]


def reviewer_reason(reason: Reason) -> str:
    return REVIEWER_WORDS[reason.code]


# --- Review card and decision messages (bot/blocks/review.py, bot/blocks/notifications.py) ---

_USER_ID_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def escape_clip(text: str, limit: int) -> str:
    """Escape, then fit into `limit` characters without cutting an `&…;` entity in half."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    kept: list[str] = []
    size = 0
    for char in text:
        piece = escape(char)
        if size + len(piece) > limit - 1:
            break
        kept.append(piece)
        size += len(piece)
    return "".join(kept) + "…"


def is_slack_user_id(value: str | None) -> bool:
    """A user ID as Slack issues it (`U…`/`W…`), safe to put inside `<@…>`."""
    return (
        value is not None
        and len(value) > 1
        and value[0] in "UW"
        and all(char in _USER_ID_CHARS for char in value[1:])
    )


def user_ref(user_id: str | None, unknown: str = "someone") -> str:
    """`<@U…>` for a well-formed user ID; anything else shown inert (escaped), never a mention."""
    if user_id is None or not user_id.strip():
        return unknown
    return f"<@{user_id}>" if is_slack_user_id(user_id) else escape_clip(user_id, 100)


# --- Partner side (bot/blocks/preregister.py, bot/blocks/profile.py) ---


def duration_words(duration: timedelta) -> str:
    """15 days, 36 hours, 90 minutes, 30 seconds: the largest unit that divides it."""
    seconds = int(duration.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds and seconds % size == 0:
            amount = seconds // size
            return f"{amount} {unit}{'' if amount == 1 else 's'}"
    return f"{seconds} second{'' if seconds == 1 else 's'}"


_DATE_TOKEN = re.compile(r"<!date\^\d+\^[^|>]*\|([^>]*)>")
_MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")
_SPECIAL = re.compile(r"<![^>]*>")  # <!here>, <!channel>, <!subteam^…>: never in a fallback
_LINK = re.compile(r"<((?:https?|mailto):[^|>]*)(?:\|([^>]*))?>")
_EMPHASIS = re.compile(r"(?<![\w*_~`])([*_~`])(?=\S)(.+?)(?<=\S)\1(?![\w*_~`])")


def plain_words(mrkdwn_text: str) -> str:
    """A message's notification fallback (what a lock screen or a screen reader says): our
    mrkdwn without its markup.

    Dates read as their UTC fallback, a mention as "someone", a link as its label, and
    *bold*, _italic_, ~struck~ and `code` lose their marks; user text stays escaped
    (`&lt;`), because Slack parses `text` too.
    """
    words = _DATE_TOKEN.sub(lambda m: m.group(1), mrkdwn_text)
    words = _MENTION.sub("someone", words)
    words = _LINK.sub(lambda m: m.group(2) or m.group(1), words)
    words = _SPECIAL.sub("", words)
    previous = None
    while previous != words:  # nested marks: *_both_*
        previous, words = words, _EMPHASIS.sub(lambda m: m.group(2), words)
    return words
