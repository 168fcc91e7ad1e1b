"""Parsing what Slack sends into typed values, once, at the boundary (pydantic)."""

from __future__ import annotations

from typing import Annotated, Any, Self

from pydantic import (
    BaseModel,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from bot.blocks import preregister as ids
from bot.blocks.preregister import FormValues
from bot.blocks.refusals import UnreadableRequest
from bot.domain.identity import (
    InvalidEmail,
    InvalidMobile,
    is_country_code,
    normalize_email,
    normalize_mobile,
)
from bot.domain.industries import is_industry
from bot.domain.model import Customer

Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=ids.NAME_MAX)
]
EmailText = Annotated[str | None, StringConstraints(strip_whitespace=True, max_length=320)]
MobileText = Annotated[
    str | None, StringConstraints(strip_whitespace=True, max_length=ids.MOBILE_MAX)
]
Industry = Annotated[
    str | None, StringConstraints(strip_whitespace=True, max_length=ids.INDUSTRY_MAX)
]
Notes = Annotated[str | None, StringConstraints(strip_whitespace=True, max_length=ids.NOTES_MAX)]
Justification = Annotated[
    str | None, StringConstraints(strip_whitespace=True, max_length=ids.JUSTIFICATION_MAX)
]


class FieldErrors(Exception):
    """Messages keyed by the input's block id, as `response_action: errors` wants them."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def state_values(view: dict[str, Any]) -> dict[str, Any]:
    """`view.state.values` flattened to {block_id: value}: text, chosen option(s), a date or
    None."""
    flat: dict[str, Any] = {}
    # A view may come with `"state": null` (Slack sends none for a view without inputs).
    for block_id, actions in ((view.get("state") or {}).get("values") or {}).items():
        for element in actions.values():
            if "selected_option" in element:
                option = element["selected_option"]
                flat[block_id] = option["value"] if option else None
            elif "selected_options" in element:
                flat[block_id] = [option["value"] for option in element["selected_options"]]
            elif "selected_date" in element:  # a datepicker: YYYY-MM-DD, or None
                flat[block_id] = element["selected_date"]
            else:
                value = element.get("value")
                flat[block_id] = value if value is None or value.strip() else None
    return flat


def _email(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return normalize_email(value)
    except InvalidEmail:
        raise ValueError("This is not a valid email address.") from None


def _mobile(value: str | None, country: str) -> str | None:
    if value is None:
        return None
    try:
        return normalize_mobile(value, country)
    except InvalidMobile:
        raise ValueError(
            "This is not a valid mobile number: include the country code,"
            " or write it as dialled in the selected country."
        ) from None


class ContactForm(BaseModel):
    """An email and a mobile, at least one; the mobile read with `context["country"]`."""

    email: EmailText = None
    mobile: MobileText = None

    @field_validator("email")
    @classmethod
    def _valid_email(cls, value: str | None) -> str | None:
        return _email(value)

    @field_validator("mobile")
    @classmethod
    def _valid_mobile(cls, value: str | None, info: ValidationInfo) -> str | None:
        return _mobile(value, (info.context or {}).get("country") or "")

    @model_validator(mode="after")
    def _contact(self) -> Self:
        if self.email is None and self.mobile is None:
            raise _FieldError(ids.EMAIL, "Give an email or a mobile number (or both).")
        return self


_CUSTOMER_FIELDS = {"country", "email", "mobile", "industry", "notes"}
"""The form's fields that the customer names alike (its name is `customer_name` here)."""


class CustomerForm(ContactForm):
    """The pre-registration modal, validated: email and mobile normalized."""

    country: str
    customer_name: Name
    industry: Industry = None
    notes: Notes = None
    justification: Justification = None

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        if not is_country_code(value):
            raise ValueError("Choose a country from the list.")
        return value

    @field_validator("industry")
    @classmethod
    def _industry(cls, value: str | None) -> str | None:
        if value is not None and not is_industry(value):  # the list's own values only
            raise ValueError("Choose an industry from the list.")
        return value

    def customer(self) -> Customer:
        return Customer(name=self.customer_name, **self.model_dump(include=_CUSTOMER_FIELDS))


class _FieldError(ValueError):
    def __init__(self, block_id: str, message: str) -> None:
        super().__init__(message)
        self.block_id = block_id


MESSAGES = {
    "string_too_short": "This can't be empty.",
    "missing": "This is required.",
    "string_too_long": "This is too long: at most {max_length} characters.",
    "string_type": "This is required.",
}


def parse_customer_form(view: dict[str, Any]) -> CustomerForm:
    """Raises FieldErrors naming each bad input; nothing is stored on error."""
    raw = state_values(view)
    # The mobile is read with the customer's chosen country as its default region.
    chosen = raw.get(ids.COUNTRY)
    context = {"country": chosen if isinstance(chosen, str) else ""}
    try:
        return CustomerForm.model_validate(raw, context=context)
    except ValidationError as invalid:
        raise FieldErrors(field_errors(invalid)) from None


def parse_review_step(view: dict[str, Any], facts: dict[str, Any]) -> CustomerForm:
    """The review step: the locked facts, with the notes and justification typed there.

    Only those two inputs can be wrong in the partner's hands; bad facts mean the metadata
    is not ours (UnreadableRequest).
    """
    typed = state_values(view)
    raw = {
        "customer_name": facts["name"],
        "country": facts["country"],
        "email": facts["email"],
        "mobile": facts["mobile"],
        "industry": facts["industry"],
        "notes": typed.get(ids.NOTES),
        "justification": typed.get(ids.JUSTIFICATION),
    }
    try:
        return CustomerForm.model_validate(raw, context={"country": facts["country"]})
    except ValidationError as invalid:
        errors = field_errors(invalid)
        if set(errors) - {ids.NOTES, ids.JUSTIFICATION}:
            raise UnreadableRequest() from None
        raise FieldErrors(errors) from None


def parse_contact_form(view: dict[str, Any], country: str) -> ContactForm:
    """The company contact modal; the mobile is read with the company's country."""
    try:
        return ContactForm.model_validate(state_values(view), context={"country": country})
    except ValidationError as invalid:
        raise FieldErrors(field_errors(invalid)) from None


def form_values(view: dict[str, Any], partner_country: str) -> FormValues:
    """What was typed, unvalidated, to show the form again as the partner left it."""
    raw = state_values(view)
    return FormValues(
        country=raw.get(ids.COUNTRY) or partner_country,
        customer_name=raw.get(ids.CUSTOMER_NAME),
        email=raw.get(ids.EMAIL),
        mobile=raw.get(ids.MOBILE),
        industry=raw.get(ids.INDUSTRY),
        notes=raw.get(ids.NOTES),
        justification=raw.get(ids.JUSTIFICATION),
    )


def field_errors(invalid: ValidationError) -> dict[str, str]:
    """One message per input (keyed by block id = field name), in the user's words."""
    errors: dict[str, str] = {}
    for error in invalid.errors():
        cause = (error.get("ctx") or {}).get("error")
        if isinstance(cause, _FieldError):
            errors.setdefault(cause.block_id, str(cause))
            continue
        block_id = str(error["loc"][0]) if error["loc"] else ids.CUSTOMER_NAME
        template = MESSAGES.get(error["type"])
        message = (
            template.format(**(error.get("ctx") or {}))
            if template
            else str(error["msg"]).removeprefix("Value error, ")
        )
        errors.setdefault(block_id, message)
    return errors
