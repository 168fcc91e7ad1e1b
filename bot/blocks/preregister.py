"""/preregister's form: its ids, its inputs, and the values typed into it.

The answer shown in its place is in bot.blocks.results; the command's replies in
bot.blocks.replies.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from bot.blocks.countries import country_option, country_option_groups
from bot.blocks.kit import VALUE as VALUE
from bot.blocks.kit import email_input, modal, plain, section, text_input
from bot.blocks.message import Block
from bot.domain.industries import INDUSTRIES
from bot.domain.model import Customer

# Views' callback_ids.
PREREGISTER = "preregister"
PREREGISTER_REVIEW = "preregister_review"
RESULT = "preregister_result"

# Input block_ids; every element's action_id is VALUE.
CUSTOMER_NAME = "customer_name"
EMAIL = "email"
MOBILE = "mobile"
COUNTRY = "country"
INDUSTRY = "industry"
NOTES = "notes"
JUSTIFICATION = "justification"

# Button in the "no contact on file" message that opens the profile modal.
OPEN_PROFILE = "open_profile"

NAME_MAX = 200
MOBILE_MAX = 50
INDUSTRY_MAX = 100
NOTES_MAX = 3000
JUSTIFICATION_MAX = 2000


@dataclass(frozen=True, kw_only=True)
class FormValues:
    """What the partner typed in the form, to show it again."""

    country: str
    customer_name: str | None = None
    email: str | None = None
    mobile: str | None = None
    industry: str | None = None
    notes: str | None = None
    justification: str | None = None

    @classmethod
    def of(cls, customer: Customer) -> FormValues:
        """The form filled in with a customer already typed once (nothing to justify yet)."""
        return cls(
            country=customer.country,
            customer_name=customer.name,
            email=customer.email,
            mobile=customer.mobile,
            industry=customer.industry,
            notes=customer.notes,
        )


# --------------------------------------------------------------------------
# The form
# --------------------------------------------------------------------------


def preregister_modal(
    partner_country: str,
    form: FormValues | None = None,
    notice: str | None = None,
) -> dict[str, Any]:
    """The form, empty or as the partner left it; `notice` says why it is shown again."""
    values = form or FormValues(country=partner_country)
    blocks: list[Block] = [section(notice)] if notice else []
    blocks += [
        text_input(
            CUSTOMER_NAME,
            "Customer name",
            values.customer_name,
            max_length=NAME_MAX,
            optional=False,
            placeholder="The company or person you want to invite",
        ),
        email_input(
            EMAIL,
            "Email",
            values.email,
            placeholder="name@example.com",
            hint="One of email or mobile is required. The customer accepts your invitation"
            " with this email.",
        ),
        text_input(
            MOBILE,
            "Mobile",
            values.mobile,
            max_length=MOBILE_MAX,
            hint="One of email or mobile is required. Include the country code, or write it"
            " as dialled in the selected country.",
        ),
        _country_input(values.country, partner_country),
        _industry_input(values.industry),
        text_input(NOTES, "Notes", values.notes, max_length=NOTES_MAX, multiline=True),
    ]
    return modal(PREREGISTER, "Pre-register", blocks, submit="Pre-register")


@lru_cache(maxsize=512)
def empty_form(partner_country: str) -> dict[str, Any]:
    """The form as `/preregister` opens it, built once per country (it is about 27 kB, and
    built on every command it was a sixth of the command's CPU). Shared by every caller:
    send it, never change it (`preregister_modal` gives a fresh one to change)."""
    return preregister_modal(partner_country)


def _industry_input(chosen: str | None) -> Block:
    """One of bot.domain.industries, or none (a value typed before the list is not offered)."""
    options = [{"text": plain(name), "value": name} for name in INDUSTRIES]
    element: dict[str, Any] = {
        "type": "static_select",
        "action_id": VALUE,
        "placeholder": plain("Choose an industry"),
        "options": options,
    }
    if chosen in INDUSTRIES:
        element["initial_option"] = options[INDUSTRIES.index(chosen)]
    return {
        "type": "input",
        "block_id": INDUSTRY,
        "label": plain("Industry"),
        "element": element,
        "optional": True,
    }


def _country_input(chosen: str, partner_country: str) -> Block:
    element: dict[str, Any] = {
        "type": "static_select",
        "action_id": VALUE,
        "placeholder": plain("Choose a country or region"),
        "option_groups": country_option_groups(),
    }
    initial = country_option(chosen) or country_option(partner_country)
    if initial is not None:
        element["initial_option"] = initial
    return {
        "type": "input",
        "block_id": COUNTRY,
        "label": plain("Country / region"),
        "element": element,
        "optional": False,
    }
