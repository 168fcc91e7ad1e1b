"""The facts behind each reason, as one line in the words of the rule it fired.

Reviewers read these; partners never do. Values come from the directory or from what the
partner typed, so every value is escaped.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

import pycountry

from bot.blocks.text import REVIEWER_WORDS, escape_clip
from bot.domain.model import Reason, ReasonCode

EVIDENCE_VALUE_LIMIT = 200
SITES = {"intl": "the international site", "cn": "the Chinese mainland site"}


def reason_line(reason: Reason, submitted_at: datetime) -> str:
    """`*Rule*: evidence` — the evidence measured at submission, when the rule was run."""
    evidence = dict(reason.evidence)
    words = _LINES.get(reason.code, _generic)(evidence, submitted_at)
    leftovers = [f"{_value(k.replace('_', ' '))}: {_value(v)}" for k, v in sorted(evidence.items())]
    line = "; ".join(part for part in [words, *leftovers] if part)
    return f"*{REVIEWER_WORDS[reason.code]}*" + (f": {line}" if line else "")


def country_label(code: str | None) -> str:
    """`DE – Germany`; an unknown code as it is. Plain text: escape it for mrkdwn."""
    if not code:
        return "unknown"
    country = pycountry.countries.get(alpha_2=code.upper())
    if country is None:
        return code
    name = getattr(country, "common_name", None) or country.name
    return f"{code.upper()} – {name}"


# --------------------------------------------------------------------------

_Evidence = dict[str, str]


def _followup(evidence: _Evidence, submitted_at: datetime) -> str:
    parts = []
    registered = _registered(evidence, submitted_at)
    if registered:
        parts.append(registered)
    elif "site" in evidence:
        parts.append(f"registered on {_site(evidence.pop('site'))}")
    if _flag(evidence.pop("has_spend", None)):
        parts.append("has spend")
    parts.append("followed up by direct sales" + _matched(evidence))
    return "; ".join(parts)


def _registered(evidence: _Evidence, submitted_at: datetime) -> str | None:
    """`registered 30 days ago (2026-10-26) on the Chinese mainland site (threshold 7 days)`."""
    raw = evidence.pop("registered_at", None)
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return f"registered {_value(raw)}"
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    days = (submitted_at - moment).days
    ago = "today" if days == 0 else f"{days} day{'' if days == 1 else 's'} ago"
    words = f"registered {ago} ({_date_or_moment(moment)})"
    if "site" in evidence:
        words += f" on {_site(evidence.pop('site'))}"
    threshold = evidence.pop("threshold_days", None)
    if threshold is not None:
        words += f" (threshold {_value(threshold)} days)"
    return words


def _date_or_moment(moment: datetime) -> str:
    """The directory reads a date as its midnight UTC: show that as the date it was."""
    utc = moment.astimezone(UTC)
    if utc.time() == time():
        return utc.date().isoformat()
    fallback = utc.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{{date_short}} {{time}}|{fallback}>"


def _country(evidence: _Evidence, submitted_at: datetime) -> str:
    customer = _value(evidence.pop("customer_country", None))
    partner = _value(evidence.pop("partner_country", None))
    source = evidence.pop("source", None)
    in_directory = evidence.pop("in_directory", None)
    pair = f"customer in {customer}, partner in {partner}"
    if source == "directory":
        return f"{pair} (country from the directory)"
    if source == "typed" and in_directory == "false":
        return f"{pair}; not found in the directory (country as typed)"
    if source == "typed" and in_directory == "true":
        return f"{pair} (country as typed: the directory has no registration country)"
    if source == "typed":
        return f"{pair} (country as typed)"
    return pair + (f" (source: {_value(source)})" if source else "")


def _online(evidence: _Evidence, submitted_at: datetime) -> str:
    return "belongs to the online sales team" + _matched(evidence)


def _held(evidence: _Evidence, submitted_at: datetime) -> str:
    held = evidence.pop("registration_id", None)
    return f"held by Registration #{_value(held)}" if held else "held by another partner"


def _spend(evidence: _Evidence, submitted_at: datetime) -> str:
    return "has spend; not followed up by direct sales" + _matched(evidence)


def _site_line(evidence: _Evidence, submitted_at: datetime) -> str:
    return f"registered on {_site(evidence.pop('site', None))}" + _matched(evidence)


def _generic(evidence: _Evidence, submitted_at: datetime) -> str:
    return _matched(evidence).strip(" ()")


_LINES = {
    ReasonCode.DIRECT_SALES_FOLLOWUP: _followup,
    ReasonCode.COUNTRY_MISMATCH: _country,
    ReasonCode.ONLINE_SALES: _online,
    ReasonCode.HELD_BY_OTHER_PARTNER: _held,
    ReasonCode.SPEND_WITHOUT_FOLLOWUP: _spend,
    ReasonCode.REGISTERED: _site_line,
}


def _matched(evidence: _Evidence) -> str:
    on = evidence.pop("matched_on", None)
    return f" (matched on {_value(on)})" if on else ""


def _site(site: str | None) -> str:
    return SITES.get(site or "", f"site {_value(site)}")


def _flag(value: str | None) -> bool:
    return (value or "").lower() == "true"


def _value(text: str | None) -> str:
    return escape_clip(text, EVIDENCE_VALUE_LIMIT) if text else "unknown"
