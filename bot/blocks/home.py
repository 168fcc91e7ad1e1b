"""App Home: what prereg does, and the partner company's quota and active customers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.blocks.invite import invite_button
from bot.blocks.kit import header, plain, section
from bot.blocks.message import Block
from bot.blocks.text import duration_words, escape, slack_date
from bot.domain.model import Partner, Registration, Status
from bot.domain.policy import Policy, QuotaUse

LISTED = 30  # two blocks each: well inside the home tab's 100 blocks


def home_view(
    user_id: str,
    policy: Policy,
    now: datetime,
    partner: Partner | None = None,
    quota: QuotaUse | None = None,
    active: list[Registration] | None = None,
) -> dict[str, Any]:
    """For a user linked to no company, `partner` is None and they are told whom to ask."""
    blocks: list[Block] = [
        header("Pre-register your customers"),
        section(
            "Run `/preregister` to reserve a potential customer for your company for "
            f"{duration_words(policy.validity)}: fill in the customer's name, email or mobile "
            "and country, and you get the answer at once. Cases the rules cannot decide go to "
            "the vendor's reviewers. `/preregister help` explains the rules."
        ),
        {"type": "divider"},
    ]
    if partner is None or quota is None:
        blocks.append(
            section(
                "Your Slack account is not linked to a partner company yet, so you cannot "
                "pre-register customers. Ask the team that runs prereg for your program to "
                f"link your member ID `{escape(user_id)}` to your company."
            )
        )
    else:
        blocks += _company(partner, quota, active or [], now)
    return {"type": "home", "blocks": blocks}


def _company(
    partner: Partner, quota: QuotaUse, active: list[Registration], now: datetime
) -> list[Block]:
    summary = (
        f"*Quota:* {quota.held} of {quota.quota} active registrations held, {quota.left} left."
    )
    if quota.next_expiry is not None:
        summary += f" The next one expires {slack_date(quota.next_expiry)}."
    blocks = [header(partner.name or partner.id), section(summary)]
    if not partner.has_contact():
        blocks.append(
            section(
                "Your company has no mobile number or email on file. Set one with "
                "`/preregister profile` before pre-registering customers."
            )
        )
    for registration in active[:LISTED]:
        row: Block = {"type": "section", "text": plain(registration.customer.name)}
        if registration.status is Status.PREREGISTERED and registration.is_active(now):
            row["accessory"] = invite_button(registration.id)
        blocks.append(row)
        blocks.append({"type": "context", "elements": [_status(registration, now)]})
    if len(active) > LISTED:
        more = len(active) - LISTED
        blocks.append(section(f"…and {more} more: `/preregister list` shows them all."))
    return blocks


def _status(registration: Registration, now: datetime) -> dict[str, str]:
    due = registration.review_due
    if registration.status is Status.PENDING_REVIEW and due is not None and due <= now:
        text = f":warning: Review overdue: the answer was due {slack_date(due)}"
    elif registration.status is Status.PENDING_REVIEW and due is not None:
        text = f"Waiting for review, answer due {slack_date(due)}"
    elif registration.valid_until is not None:
        text = f"Pre-registered until {slack_date(registration.valid_until)}"
    else:
        text = registration.status.value.replace("_", " ").capitalize()
    return {"type": "mrkdwn", "text": text}
