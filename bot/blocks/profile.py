"""/preregister profile: the partner company's contact email and mobile."""

from __future__ import annotations

from typing import Any

from bot.blocks.kit import context, email_input, field, modal, plain, text_input
from bot.blocks.message import Block
from bot.blocks.preregister import EMAIL, MOBILE, MOBILE_MAX
from bot.domain.model import Partner

PROFILE = "profile"
PROFILE_SAVED = "profile_saved"


def profile_modal(partner: Partner) -> dict[str, Any]:
    blocks: list[Block] = [
        {"type": "section", "text": plain(f"Contact details of {partner.name or partner.id}")},
        email_input(EMAIL, "Email", partner.email, placeholder="sales@example.com"),
        text_input(
            MOBILE,
            "Mobile",
            partner.mobile,
            max_length=MOBILE_MAX,
            hint="Include the country code, or write it as dialled in your company's country.",
        ),
        context("At least one of email or mobile is needed to pre-register customers."),
    ]
    return modal(PROFILE, "Company contact", blocks, submit="Save")


def profile_saved_view(partner: Partner) -> dict[str, Any]:
    if partner.has_contact():
        after = "You can pre-register customers with `/preregister`."
    else:
        after = "Add an email or mobile to pre-register customers: `/preregister profile`."
    blocks: list[Block] = [
        {
            "type": "section",
            "text": plain(f"Saved the contact details of {partner.name or partner.id}"),
        },
        {
            "type": "section",
            "fields": [field("Email", partner.email), field("Mobile", partner.mobile)],
        },
        context(after),
    ]
    return modal(PROFILE_SAVED, "Company contact", blocks, close="Done")
