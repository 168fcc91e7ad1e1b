"""The customer's pages: `GET /invite/<token>` shows the form, `POST` associates.

Status codes are the contract: 200 associated, 400 wrong identity or a bad form, 404 a token
that does not verify, 409 already associated, 410 expired or deleted, 429 too many wrong
attempts. Every refusal is a page in the customer's language and changes nothing.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, make_response, render_template, request
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from wtforms.validators import ValidationError

from bot.domain.errors import Refusal
from bot.domain.identity import InvalidEmail, InvalidMobile
from bot.services.association import (
    Associate,
    InvitationPage,
    OpenInvitation,
    associate,
    open_invitation,
)
from bot.services.context import Context
from bot.services.errors import (
    AlreadyAssociated,
    InvalidInvitation,
    InvitationEnded,
    InvitingNotConfigured,
    TooManyAttempts,
    WrongIdentity,
)
from bot.web.words import LANGUAGES, WORDS, moment

NAME_MAX = 200
IDENTITY_MAX = 320

# Security headers: nothing external may load (the page works offline), the token in the
# URL never leaks through a Referer, no one frames the page, nothing is cached.
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:;"
    " form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class Page:
    status: int
    title: str
    text: str


# The web edge's one table: each refusal of the use cases as a status and a page.
REFUSALS: dict[type[Refusal], Page] = {
    InvalidInvitation: Page(404, "not_found_title", "not_found"),
    InvitingNotConfigured: Page(404, "unavailable_title", "unavailable"),
    AlreadyAssociated: Page(409, "associated_title", "associated"),
    InvitationEnded: Page(410, "ended_title", "ended"),
    TooManyAttempts: Page(429, "too_many_title", "too_many"),
}


def invite_pages(ctx: Context) -> Blueprint:
    pages = Blueprint("invite", __name__, template_folder="templates")

    @pages.get("/invite/<token>")
    def show(token: str) -> Response:
        try:
            page = open_invitation(OpenInvitation(token), ctx)
        except Refusal as refused:
            return _refused(refused, ctx)
        return _form(token, page, {}, {}, 200)

    @pages.post("/invite/<token>")
    def accept(token: str) -> Response:
        try:
            validate_csrf(request.form.get("csrf_token"))
        except (ValidationError, CSRFError):
            return _message("expired_form_title", "expired_form", 400, token=token)
        try:
            page = open_invitation(OpenInvitation(token), ctx)
        except AlreadyAssociated:
            page = None  # a double submit: associate() answers with the same success page
        except Refusal as refused:
            return _refused(refused, ctx)
        typed = {key: request.form.get(key, "").strip() for key in ("email", "mobile", "name")}
        field = page.field if page else ("email" if typed["email"] else "mobile")
        errors = _form_errors(field, typed, request.form.get("consent") == "yes", page)
        if errors and page is not None:
            return _form(token, page, typed, errors, 400)
        try:
            done = associate(Associate(token, typed[field], typed["name"]), ctx)
        except (InvalidEmail, InvalidMobile):
            assert page is not None
            return _form(token, page, typed, {field: f"invalid_{field}"}, 400)
        except WrongIdentity as wrong:
            assert page is not None
            notes = {field: f"wrong_{field}", "attempts_left": str(wrong.attempts_left)}
            return _form(token, page, typed, notes, 400)
        except Refusal as refused:
            return _refused(refused, ctx)
        words = _words()
        return _message("done_title", "done", 200, partner=done.partner_name, words=words)

    return pages


def _form_errors(
    field: str, typed: dict[str, str], consent: bool, page: InvitationPage | None
) -> dict[str, str]:
    if page is None:  # already associated: only the identity decides the answer
        return {}
    errors: dict[str, str] = {}
    if not typed[field] or len(typed[field]) > IDENTITY_MAX:
        errors[field] = f"need_identity_{field}"
    if not typed["name"]:
        errors["name"] = "need_name"
    elif len(typed["name"]) > NAME_MAX:
        errors["name"] = "name_too_long"
    if not consent:
        errors["consent"] = "need_consent"
    return errors


def _words() -> dict[str, str]:
    return WORDS[_language()]


def _language() -> str:
    return str(request.accept_languages.best_match(LANGUAGES, default="en"))


def _form(
    token: str, page: InvitationPage, typed: dict[str, str], errors: dict[str, str], status: int
) -> Response:
    words = _words()
    fill = _filler(words, partner=page.partner_name, until=moment(page.valid_until, _language()))
    html = render_template(
        "invite.html",
        w=words,
        say=fill,
        page=page,
        typed=typed,
        errors=errors,
        csrf_token=generate_csrf(),
        name_max=NAME_MAX,
        identity_max=IDENTITY_MAX,
    )
    return _response(html, status)


def _refused(refused: Refusal, ctx: Context) -> Response:
    for kind, refusal in REFUSALS.items():
        if isinstance(refused, kind):
            retry = refused.retry_at if isinstance(refused, TooManyAttempts) else None
            answer = _message(refusal.title, refusal.text, refusal.status, retry=retry)
            if retry is not None:
                wait = (retry - ctx.now()).total_seconds()
                answer.headers["Retry-After"] = str(max(1, math.ceil(wait)))
            return answer
    raise refused


def _message(
    title: str,
    text: str,
    status: int,
    *,
    token: str | None = None,
    partner: str = "",
    retry: datetime | None = None,
    words: dict[str, str] | None = None,
) -> Response:
    words = words or _words()
    fill = _filler(words, partner=partner, retry=moment(retry, _language()) if retry else "")
    html = render_template(
        "message.html", w=words, title=words[title], text=fill(text), token=token, ok=status < 300
    )
    return _response(html, status)


def _filler(words: dict[str, str], **values: Any) -> Callable[..., str]:
    def fill(key: str, **more: Any) -> str:
        return words[key].format(**{**values, **more})

    return fill


def _response(html: str, status: int) -> Response:
    answer = make_response(html, status)
    answer.headers.update(HEADERS)
    return answer
