"""Inviting a customer from Slack: the link, the QR code and email buttons, and the DMs."""

from __future__ import annotations

from typing import Any

from bot.blocks.kit import context, modal, plain, section
from bot.blocks.message import Block, Message
from bot.blocks.text import clip, escape_clip, slack_date
from bot.domain.model import Registration
from bot.services.invitations import Attempt, EmailOption, Invitation

INVITE = "invite"  # opens the invitation modal; value: the registration id
INVITE_QR = "invite_qr"
INVITE_EMAIL = "invite_email"
CREATE_OPPORTUNITY = "invite_opportunity"
INVITE_MODAL = "invite"
NAME_LIMIT = 200

EMAIL_WORDS = {
    EmailOption.NOT_CONFIGURED: (
        "Email invitations are not configured here (the operators set `SMTP_URL`):"
        " send the link or the QR code yourself."
    ),
    EmailOption.NO_EMAIL: (
        "This customer was pre-registered by mobile only, so there is no email option:"
        " send the link or the QR code."
    ),
}

CAUSE_WORDS = {
    "wrong_email": "confirmed another email than the one you pre-registered",
    "wrong_mobile": "confirmed another mobile number than the one you pre-registered",
    "expired": "opened the link after the pre-registration had ended",
    "deleted": "opened the link after the customer was deleted",
}


def invite_button(registration_id: int | None, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "action_id": INVITE,
        "text": plain("Invite"),
        "value": str(registration_id),
    }
    if style:
        button["style"] = style
    return button


def invite_blocks(
    registration: Registration,
    link: str,
    email: EmailOption,
    *,
    emails_today: int = 0,
    email_limit: int = 5,
) -> list[Block]:
    """The link ready to copy, then QR code and (when possible) email buttons."""
    value = str(registration.id)
    buttons: list[dict[str, Any]] = [
        {"type": "button", "action_id": INVITE_QR, "text": plain("QR code"), "value": value}
    ]
    if email is EmailOption.AVAILABLE:
        buttons.append(
            {
                "type": "button",
                "action_id": INVITE_EMAIL,
                "text": plain("Send email"),
                "value": value,
            }
        )
    blocks: list[Block] = [
        section(f"*Invitation link* (copy it to the customer):\n{link}"),
        {"type": "actions", "block_id": f"invite-{value}", "elements": buttons},
    ]
    if email is EmailOption.LIMIT_REACHED:
        blocks.append(
            context(
                f"{email_limit} invitation emails went to this customer in the last day,"
                " the most it receives: send the link or the QR code."
            )
        )
    elif email in EMAIL_WORDS:
        blocks.append(context(EMAIL_WORDS[email]))
    elif emails_today:
        blocks.append(context(f"Emails sent in the last day: {emails_today} of {email_limit}."))
    return blocks


def invite_modal(invitation: Invitation, notice: str | None = None) -> dict[str, Any]:
    registration = invitation.registration
    until = registration.valid_until
    valid = f"valid until {slack_date(until)}" if until else "valid"
    blocks: list[Block] = [
        {"type": "section", "text": plain(f"Invite {registration.customer.name}")},
        context(
            f"The link is {valid}, as long as the pre-registration. The customer confirms"
            f" the {registration.identity_field} you pre-registered and is associated with"
            " your company."
        ),
        *invite_blocks(
            registration,
            invitation.link,
            invitation.email,
            emails_today=invitation.emails_today,
            email_limit=invitation.email_limit,
        ),
    ]
    if invitation.attempts:
        blocks.append(section("*The customer's attempts that failed*\n" + _attempts(invitation)))
    if notice:
        blocks.append(context(f":white_check_mark: {notice}"))
    view = modal(INVITE_MODAL, "Invite customer", blocks, close="Done")
    view["private_metadata"] = str(registration.id)
    return view


def _attempts(invitation: Invitation) -> str:
    return "\n".join(f"• {slack_date(a.at)}: {_cause(a)}" for a in invitation.attempts)


def _cause(attempt: Attempt) -> str:
    return CAUSE_WORDS.get(attempt.cause, "the attempt failed")


def qr_comment(registration: Registration) -> str:
    name = escape_clip(registration.customer.name, NAME_LIMIT)
    return (
        f"QR code of the invitation for *{name}*: the customer scans it to register and"
        " associate with your company."
    )


def qr_alt_text(registration: Registration) -> str:
    return clip(f"QR code of the invitation link for {registration.customer.name}", 1000)


def preregistered_dm(registration: Registration, link: str | None, email: EmailOption) -> Message:
    """Sent on pre-registration, so the link stays in Slack after the modal closes."""
    name = f"*{escape_clip(registration.customer.name, NAME_LIMIT)}*"
    until = registration.valid_until
    headline = f"✅ {name} is pre-registered for your company"
    if until is not None:
        headline += f" until {slack_date(until)}"
    blocks: list[Block] = [section(headline)]
    if link is not None:
        blocks += invite_blocks(registration, link, email)
    return Message(text=clip(headline, 3000), blocks=blocks)


def associated_dm(registration: Registration) -> Message:
    name = f"*{escape_clip(registration.customer.name, NAME_LIMIT)}*"
    headline = f"🤝 {name} has associated with your company"
    button = {
        "type": "button",
        "action_id": CREATE_OPPORTUNITY,
        "text": plain("Create opportunity"),
        "value": str(registration.id),
        "style": "primary",
    }
    blocks: list[Block] = [
        section(f"{headline}: the customer accepted your invitation and registered."),
        {"type": "actions", "elements": [button]},
    ]
    return Message(text=clip(headline, 3000), blocks=blocks)


def email_sent_dm(registration: Registration) -> Message:
    name = escape_clip(registration.customer.name, NAME_LIMIT)
    text = f"📧 The invitation email to *{name}* was sent."
    return Message(text=text, blocks=[section(text)])


def email_failed_dm(registration: Registration, error: str | None) -> Message:
    name = escape_clip(registration.customer.name, NAME_LIMIT)
    text = f"⚠️ The invitation email to *{name}* could not be delivered."
    why = f"The mail server said: {escape_clip(error, 500)}" if error else ""
    blocks = [section(text), section("Send the link or the QR code instead. " + why)]
    return Message(text=text, blocks=blocks)
