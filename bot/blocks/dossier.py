"""The reviewer's dossier on the card: the partner's record and possible duplicates."""

from __future__ import annotations

from bot.blocks import glossary, limits
from bot.blocks.kit import section
from bot.blocks.message import Block
from bot.blocks.text import clip, escape_clip
from bot.services.dossier import RECENT, Dossier, PossibleDuplicate

NAME_LIMIT = 120


def dossier_blocks(dossier: Dossier) -> list[Block]:
    return [section(record_text(dossier)), section(duplicates_text(dossier))]


def record_text(dossier: Dossier) -> str:
    record = dossier.record
    days = RECENT.days
    requests = f"{record.requests} review request{'' if record.requests == 1 else 's'}"
    return (
        "*Partner's record*\n"
        f"{glossary.quota(record.held, record.quota)} · {requests} in the last {days} days:"
        f" {record.approved} approved, {record.rejected} rejected"
    )


def duplicates_text(dossier: Dossier) -> str:
    if not dossier.duplicates:
        return "*Possible duplicates*\nNone found by email domain or similar company name."
    lines = ["*Possible duplicates* (reviewers only)"]
    lines += [f"• {duplicate_line(d)}" for d in dossier.duplicates]
    if dossier.more_duplicates:
        lines.append(f"…and {dossier.more_duplicates} more.")
    return clip("\n".join(lines), limits.SECTION)


def duplicate_line(found: PossibleDuplicate) -> str:
    registration = found.registration
    customer = registration.customer
    contact = customer.email or customer.mobile or ""
    why = []
    if found.same_domain:
        why.append(f"same email domain {escape_clip(found.same_domain, NAME_LIMIT)}")
    if found.name_score is not None:
        why.append(f"name {found.name_score}% alike")
    status = glossary.status_word(registration.status)
    return (
        f"*{escape_clip(customer.name, NAME_LIMIT)}* ({escape_clip(contact, NAME_LIMIT)})"
        f" — {glossary.registration_ref(registration.id)}, {status},"
        f" {escape_clip(found.partner_name, NAME_LIMIT)}"
        f" · {', '.join(why)}"
    )
