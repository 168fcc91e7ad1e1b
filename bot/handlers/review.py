"""The reviewers' buttons and the rejection reason: one decision wins, everyone else is told."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, TypeVar

from pydantic import BaseModel
from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blocks.message import Message
from bot.blocks.notice import notice_modal
from bot.blocks.review import (
    APPROVE,
    NOT_A_REVIEWER,
    OWN_COMPANY,
    REASON_BLOCK,
    REASON_MAX_LENGTH,
    REJECT,
    REJECT_MODAL,
    already_decided_message,
    refusal_message,
    reject_modal,
)
from bot.domain.errors import DomainError, TransitionNotAllowed
from bot.handlers.forms import state_values
from bot.services.context import Context
from bot.services.errors import NotAReviewer, OwnCompanyReview, RegistrationNotFound
from bot.services.registrations import get_registration
from bot.services.reviews import approve, check_can_decide, reject

GONE = "This review request no longer exists."

T = TypeVar("T")


class Click(BaseModel):
    reviewer: str
    registration_id: int
    trigger_id: str


def register(app: App) -> None:
    app.action(APPROVE)(approve_clicked)
    app.action(REJECT)(reject_clicked)
    app.view(REJECT_MODAL)(reject_submitted)


def parse_click(body: dict[str, Any]) -> Click:
    return Click(
        reviewer=body["user"]["id"],
        registration_id=body["actions"][0]["value"],
        trigger_id=body["trigger_id"],
    )


def approve_clicked(
    ack: Ack,
    body: dict[str, Any],
    respond: Respond,
    services: Context,
    reviewer_user_ids: Collection[str],
) -> None:
    """The card changes in place through the outbox; only refusals are answered here."""
    ack()
    click = parse_click(body)
    outcome = _attempt(
        click.registration_id,
        services,
        lambda: approve(
            click.registration_id,
            click.reviewer,
            reviewer_user_ids,
            services.uow(),
            services.policy,
            services.now(),
        ),
    )
    if isinstance(outcome, Message):
        respond(replace_original=False, response_type="ephemeral", **outcome.as_kwargs())


def reject_clicked(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    respond: Respond,
    services: Context,
    reviewer_user_ids: Collection[str],
) -> None:
    """Asks for the reason, after checking that this reviewer may still decide."""
    ack()
    click = parse_click(body)
    outcome = _attempt(
        click.registration_id,
        services,
        lambda: check_can_decide(
            click.registration_id, click.reviewer, reviewer_user_ids, services.uow()
        ),
    )
    if isinstance(outcome, Message):
        respond(replace_original=False, response_type="ephemeral", **outcome.as_kwargs())
        return
    client.views_open(trigger_id=click.trigger_id, view=reject_modal(outcome))


def reject_submitted(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    services: Context,
    reviewer_user_ids: Collection[str],
) -> None:
    reason = (state_values(view).get(REASON_BLOCK) or "").strip()
    if not reason:
        ack(response_action="errors", errors={REASON_BLOCK: "Give the partner a reason."})
        return
    if len(reason) > REASON_MAX_LENGTH:
        ack(response_action="errors", errors={REASON_BLOCK: "This reason is too long."})
        return
    registration_id = int(view["private_metadata"])
    reviewer = body["user"]["id"]
    outcome = _attempt(
        registration_id,
        services,
        lambda: reject(
            registration_id, reviewer, reason, reviewer_user_ids, services.uow(), services.now()
        ),
    )
    if isinstance(outcome, Message):
        ack(response_action="update", view=notice_modal("Not rejected", outcome))
    else:
        ack()


def _attempt(registration_id: int, services: Context, decide: Callable[[], T]) -> T | Message:
    """Runs the decision; a refusal comes back as the message the reviewer reads."""
    try:
        return decide()
    except NotAReviewer:
        return refusal_message(NOT_A_REVIEWER)
    except OwnCompanyReview:
        return refusal_message(OWN_COMPANY)
    except RegistrationNotFound:
        return refusal_message(GONE)
    except TransitionNotAllowed:
        try:
            return already_decided_message(get_registration(registration_id, services.uow()))
        except (DomainError, ValueError):
            return refusal_message(GONE)
