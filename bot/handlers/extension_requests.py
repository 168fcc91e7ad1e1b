"""Extensions through review: the partner's "Request an extension" (reminder DM button, list and
App Home menu) and its modal; the reviewers' Approve / Reject on the request's card. Every click
re-checks who may do it and whether it still applies."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.blocks.extension_modals import reject_modal, request_modal, request_sent_modal
from bot.blocks.extension_requests import (
    APPROVE_EXTENSION,
    JUSTIFICATION,
    JUSTIFICATION_MAX,
    REASON_BLOCK,
    REASON_MAX,
    REJECT_EXTENSION,
    REJECT_MODAL,
    REQUEST_EXTENSION,
    REQUEST_MODAL,
)
from bot.handlers.modals import Clicked, checked_view, on_click, opens_modal, submits_text
from bot.services.context import Context
from bot.services.extension_requests import (
    ApproveExtension,
    CheckCanDecideExtension,
    CheckCanRequestExtension,
    RejectExtension,
    RequestExtension,
    approve_extension,
    check_can_decide_extension,
    check_can_request,
    reject_extension,
    request_extension,
)


def register(app: App) -> None:
    app.action(REQUEST_EXTENSION)(request_clicked)
    app.view(REQUEST_MODAL)(request_submitted)
    app.action(APPROVE_EXTENSION)(approve_clicked)
    app.action(REJECT_EXTENSION)(reject_clicked)
    app.view(REJECT_MODAL)(reject_submitted)


def request_view(user_id: str, registration_id: int, services: Context) -> dict[str, Any]:
    """Also from the list's and App Home's menu (bot/handlers/manage.py)."""
    registration = check_can_request(CheckCanRequestExtension(user_id, registration_id), services)
    return request_modal(registration, services.policy)


request_clicked = opens_modal(request_view)


@submits_text(JUSTIFICATION, "Tell the reviewers why.", JUSTIFICATION_MAX)
def request_submitted(
    user: str, registration_id: int, justification: str, services: Context
) -> dict[str, Any] | None:
    done = request_extension(RequestExtension(user, registration_id, justification), services)
    return request_sent_modal(done.request)


def approve_click(clicked: Clicked) -> None:
    """The card changes in place through the outbox; only refusals are answered (by respond)."""
    click = clicked.click  # the button's value names the extension request
    approve_extension(ApproveExtension(click.user_id, click.registration_id), clicked.services)


approve_clicked = on_click(approve_click)


# The button's value names the extension request.
reject_clicked = opens_modal(
    checked_view(
        check_can_decide_extension, CheckCanDecideExtension, lambda found: reject_modal(*found)
    )
)


# The modal's metadata names the extension request.
@submits_text(REASON_BLOCK, "Tell the partner why.", REASON_MAX)
def reject_submitted(
    user: str, request_id: int, reason: str, services: Context
) -> dict[str, Any] | None:
    reject_extension(RejectExtension(user, request_id, reason), services)
    return None
