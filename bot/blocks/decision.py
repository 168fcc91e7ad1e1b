"""The DM a partner company's users get once a reviewer decided: approved, or rejected."""

from __future__ import annotations

from bot.blocks import glossary, limits
from bot.blocks.continuations import again
from bot.blocks.invite import invite_blocks
from bot.blocks.kit import context, section
from bot.blocks.message import Block, Message
from bot.blocks.text import clip, escape_clip, plain_words, slack_date, user_ref
from bot.domain.model import Partner, Registration, Status
from bot.services.invitations import EmailOption

SECTION_LIMIT = limits.SECTION
NAME_LIMIT = 200


def decision_dm(
    registration: Registration, partner: Partner | None, link: str | None, email: EmailOption
) -> Message:
    """A DM to each of the partner company's users once a reviewer has decided."""
    if registration.decided_by is None or registration.status is Status.PENDING_REVIEW:
        raise ValueError(f"registration {registration.id} has not been decided")
    name = f"*{escape_clip(registration.customer.name, NAME_LIMIT)}*"
    if registration.status is Status.REJECTED or registration.decision_note is not None:
        return _rejected(registration, name)
    return _approved(registration, name, partner, link, email)


def _approved(
    registration: Registration,
    name: str,
    partner: Partner | None,
    link: str | None,
    email: EmailOption,
) -> Message:
    company = f" ({escape_clip(partner.name, NAME_LIMIT)})" if partner is not None else ""
    until = registration.valid_until
    by = user_ref(registration.decided_by, "a reviewer")
    headline = f"✅ Approved by {by}: {name} is pre-registered for your company{company}"
    if until is not None:
        headline += f" until {slack_date(until)}"
    next_steps = (
        "*Next steps*\n"
        "• Invite the customer to register and associate with your company.\n"
        "• Create an opportunity for this customer from `/preregister list`.\n"
        "• The reservation ends on its date unless the customer associates first."
    )
    blocks: list[Block] = [section(headline), section(next_steps)]
    if registration.status is Status.PREREGISTERED and link:
        blocks += invite_blocks(registration, link, email)
    if registration.status is not Status.PREREGISTERED:
        blocks.append(context(f"Since then: {glossary.status_word(registration.status)}."))
    # The fallback names no one: a notification shows a mention as its raw ID.
    said = headline.replace(f"Approved by {by}", "Approved by a reviewer", 1)
    return Message(text=clip(plain_words(said), SECTION_LIMIT), blocks=blocks)


def _rejected(registration: Registration, name: str) -> Message:
    headline = f"❌ The review request for {name} was rejected"
    reason_head = "*Reviewer's reason*\n"
    reason = registration.decision_note or "No reason was given."
    what_now = (
        "*What you can do*\n"
        "• Talk to your ecosystem manager if you think the decision should change.\n"
        "• If something has changed, run `/preregister` again with a fuller justification."
    )
    blocks: list[Block] = [
        section(headline),
        section(reason_head + escape_clip(reason, SECTION_LIMIT - len(reason_head))),
        section(what_now),
        again(registration.id),
    ]
    return Message(text=clip(plain_words(headline), SECTION_LIMIT), blocks=blocks)
