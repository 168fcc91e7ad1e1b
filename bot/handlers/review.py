"""The reviewers' buttons and the rejection reason: one decision wins, everyone else is told."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blocks.review import (
    APPROVE,
    REASON_BLOCK,
    REASON_MAX_LENGTH,
    REJECT,
    REJECT_MODAL,
    reject_modal,
)
from bot.handlers import payloads
from bot.handlers.forms import state_values
from bot.handlers.refusals import answered
from bot.services.context import Context
from bot.services.reviews import Approve, CheckCanDecide, Reject, approve, check_can_decide, reject


def register(app: App) -> None:
    app.action(APPROVE)(approve_clicked)
    app.action(REJECT)(reject_clicked)
    app.view(REJECT_MODAL)(reject_submitted)


@answered
def approve_clicked(ack: Ack, body: dict[str, Any], respond: Respond, services: Context) -> None:
    """The card changes in place through the outbox; only refusals are answered here."""
    ack()
    click = payloads.click(body)
    approve(Approve(click.user_id, click.registration_id), services)


@answered
def reject_clicked(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, services: Context
) -> None:
    """Asks for the reason, after checking that this reviewer may still decide."""
    ack()
    click = payloads.click(body)
    registration = check_can_decide(CheckCanDecide(click.user_id, click.registration_id), services)
    client.views_open(trigger_id=click.trigger_id, view=reject_modal(registration))


@answered
def reject_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Context
) -> None:
    reason = str(state_values(view).get(REASON_BLOCK) or "").strip()
    if not reason:
        ack(response_action="errors", errors={REASON_BLOCK: "Give the partner a reason."})
        return
    if len(reason) > REASON_MAX_LENGTH:
        ack(response_action="errors", errors={REASON_BLOCK: "This reason is too long."})
        return
    cmd = Reject(payloads.user_of(body), payloads.metadata_id(view), reason)
    reject(cmd, services)
    ack()
