"""App Home: what prereg does, and the partner company's quota and active customers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel
from slack_bolt import App
from slack_sdk import WebClient

from bot.domain.model import ACTIVE_STATUSES, Partner, Registration, Status
from bot.domain.policy import Policy, QuotaUse, quota_use
from bot.services.context import Context

LISTED = 30  # two blocks each: well inside the home tab's 100 blocks


class HomeOpened(BaseModel):
    user: str
    tab: str = "home"


@dataclass(frozen=True)
class PartnerHome:
    partner: Partner
    quota: QuotaUse
    active: list[Registration]


def register(app: App) -> None:
    app.event("app_home_opened")(open_home)


def open_home(event: dict[str, Any], client: WebClient, services: Context) -> None:
    opened = HomeOpened.model_validate(event)
    if opened.tab != "home":  # the Messages tab fires the same event
        return
    home = partner_home(opened.user, services)
    client.views_publish(user_id=opened.user, view=home_view(opened.user, home, services.policy))


def partner_home(user_id: str, services: Context) -> PartnerHome | None:
    """The user's company and its active registrations; None when the user is not linked.

    Reads the storage port directly until `bot.services.partners` offers this lookup.
    """
    now = services.now()
    with services.uow() as uow:
        partner = uow.partners.for_slack_user(user_id)
        if partner is None:
            return None
        held = uow.registrations.of_partner(partner.id, tuple(ACTIVE_STATUSES))
    active = sorted((r for r in held if r.is_active(now)), key=_expiry_order)
    return PartnerHome(partner, quota_use(active, services.policy, now), active)


def home_view(user_id: str, home: PartnerHome | None, policy: Policy) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        _header("Pre-register your customers"),
        _mrkdwn(
            "Run `/preregister` to reserve a potential customer for your company for "
            f"{_words(policy.validity)}: fill in the customer's name, email or mobile and "
            "country, and you get the answer at once. Cases the rules cannot decide go to "
            "the vendor's reviewers. `/preregister help` explains the rules."
        ),
        {"type": "divider"},
    ]
    if home is None:
        blocks.append(
            _mrkdwn(
                "Your Slack account is not linked to a partner company yet, so you cannot "
                "pre-register customers. Ask the team that runs prereg for your program to "
                f"link your member ID `{_escape(user_id)}` to your company."
            )
        )
    else:
        blocks += _company(home)
    return {"type": "home", "blocks": blocks}


def _company(home: PartnerHome) -> list[dict[str, Any]]:
    quota = home.quota
    summary = (
        f"*Quota:* {quota.held} of {quota.quota} active registrations held, {quota.left} left."
    )
    if quota.next_expiry is not None:
        summary += f" The next one expires {_date(quota.next_expiry)}."
    blocks = [_header(home.partner.name or home.partner.id), _mrkdwn(summary)]
    if not home.partner.has_contact():
        blocks.append(
            _mrkdwn(
                "Your company has no mobile number or email on file. Set one with "
                "`/preregister profile` before pre-registering customers."
            )
        )
    for registration in home.active[:LISTED]:
        customer = registration.customer
        blocks.append({"type": "section", "text": _plain(customer.name[:3000])})
        blocks.append({"type": "context", "elements": [_status(registration)]})
    if len(home.active) > LISTED:
        more = len(home.active) - LISTED
        blocks.append(_mrkdwn(f"…and {more} more: `/preregister list` shows them all."))
    return blocks


def _status(registration: Registration) -> dict[str, str]:
    if registration.status is Status.PENDING_REVIEW and registration.review_due is not None:
        text = f"Waiting for review, answer due {_date(registration.review_due)}"
    elif registration.valid_until is not None:
        text = f"Pre-registered until {_date(registration.valid_until)}"
    else:
        text = registration.status.value.replace("_", " ").capitalize()
    return {"type": "mrkdwn", "text": text}


def _expiry_order(registration: Registration) -> datetime:
    return registration.valid_until or registration.review_due or registration.created_at


def _date(moment: datetime) -> str:
    """Slack shows it in the reader's own time zone; the fallback is UTC."""
    fallback = moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} at {{time}}|{fallback}>"


def _words(duration: timedelta) -> str:
    """15 days, 36 hours, 90 minutes, 30 seconds: the largest unit that divides it."""
    seconds = int(duration.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        if seconds % size == 0:
            amount = seconds // size
            return f"{amount} {unit}{'s' if amount != 1 else ''}"
    raise AssertionError("unreachable")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _header(text: str) -> dict[str, Any]:
    return {"type": "header", "text": _plain(text[:150])}


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": False}
