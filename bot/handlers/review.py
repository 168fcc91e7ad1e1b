"""The reviewers' buttons and the rejection reason: one decision wins, everyone else is told."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.blocks.reject import (
    DETAILS_BLOCK,
    OTHER,
    PRESETS,
    REASON_BLOCK,
    REASON_MAX_LENGTH,
    REJECT_MODAL,
    reject_modal,
    rejection_note,
)
from bot.blocks.review import APPROVE, REJECT
from bot.handlers import payloads
from bot.handlers.forms import state_values
from bot.handlers.modals import Clicked, checked_view, on_click, opens_modal, typed_text
from bot.handlers.refusals import answered
from bot.handlers.request_keys import action_key, submission_key
from bot.services.context import Context
from bot.services.reviews import Approve, CheckCanDecide, Reject, approve, check_can_decide, reject


def register(app: App) -> None:
    app.action(APPROVE)(approve_clicked)
    app.action(REJECT)(reject_clicked)
    app.view(REJECT_MODAL)(reject_submitted)


def approve_click(clicked: Clicked) -> None:
    """The card changes in place through the outbox; only refusals are answered here."""
    click = clicked.click
    cmd = Approve(click.user_id, click.registration_id, action_key(clicked.body))
    approve(cmd, clicked.services)


approve_clicked = on_click(approve_click)


# Asks for the reason, after checking that this reviewer may still decide.
reject_clicked = opens_modal(checked_view(check_can_decide, CheckCanDecide, reject_modal))


@answered
def reject_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Context
) -> None:
    preset = state_values(view).get(REASON_BLOCK)
    if preset not in PRESETS:
        ack(response_action="errors", errors={REASON_BLOCK: "Choose a reason."})
        return
    # The details are needed only for "Other"; bounded whatever the reason.
    why = "Tell the partner why."
    details = typed_text(ack, view, DETAILS_BLOCK, why, REASON_MAX_LENGTH, required=preset == OTHER)
    if details is None:
        return
    note = rejection_note(preset, details)
    cmd = Reject(
        payloads.user_of(body), payloads.metadata_id(view), note, preset, submission_key(body)
    )
    reject(cmd, services)
    ack()
