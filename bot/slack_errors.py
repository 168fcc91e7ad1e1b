"""How a listener's failure is logged and answered: in words where the user typed, never a 500.

A refusal that reaches here (busy, a value the database cannot store, an App Home others
are publishing, Slack refusing to open a form) is no fault of ours: it is logged as refused
and answered in its words from the one table (bot.blocks.refusals). Anything else is logged
with its traceback (redacted) and answered with an apology.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import BoltContext, BoltResponse
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.refusals import answer
from bot.domain.errors import Refusal
from bot.redact import bounded, redact
from bot.tracebacks import traceback_text

log = logging.getLogger(__name__)

APOLOGY = "Sorry, something went wrong on our side and nothing was changed. Please try again."

# Slack opens a form only with a trigger_id used once and within 3 s of the click: when it
# refuses one, nothing of ours failed and the user need only try again.
TRIGGER_REFUSED = frozenset({"expired_trigger_id", "invalid_trigger_id", "exchanged_trigger_id"})
FORM_NOT_OPENED = "Slack did not let prereg open the form in time. Please try again."


def handle_error(
    error: Exception,
    body: dict[str, Any],
    context: BoltContext,
    respond: Respond | None,
    client: WebClient,
    response: BoltResponse | None = None,
) -> None:
    """Log what failed, where and for whom (redacted); answer the user in words when we can.

    `response` is the HTTP answer when the listener failed before its ack: it becomes a polite
    answer (never a 500, which Slack shows as a bare error)."""
    user_id, channel_id = context.user_id, context.channel_id
    words = _words_for(error)
    if words is not None:
        log.warning(
            "refused: %s user=%s: %s (%s)",
            describe(body),
            user_id,
            type(error).__name__,
            redact(_detail(error)),
        )
    else:
        words = APOLOGY
        log.error(
            "listener failed: %s team=%s user=%s channel=%s: %s\n%s",
            describe(body),
            context.team_id,
            user_id,
            channel_id,
            redact(f"{type(error).__name__}: {error}"),
            redact(traceback_text(error)),
        )
    if response is not None and _answer_in_response(response, body, words):
        return
    if not user_id or body.get("type") == "event_callback":
        return  # nobody asked: an event is not answered in the conversation
    try:
        if respond is not None and respond.response_url:
            respond(text=words, response_type="ephemeral", replace_original=False)
        elif channel_id:
            client.chat_postEphemeral(channel=channel_id, user=user_id, text=words)
    except Exception as apology_failed:
        log.warning("could not answer user=%s: %s", user_id, redact(repr(apology_failed)))


def _words_for(error: Exception) -> str | None:
    """The words for a failure that is no fault of ours; None for one that is."""
    if isinstance(error, SlackApiError) and error.response.get("error") in TRIGGER_REFUSED:
        return FORM_NOT_OPENED
    if isinstance(error, Refusal):
        return answer(error).message.text
    return None


def _detail(error: Exception) -> str:
    if isinstance(error, SlackApiError):
        return str(error.response.get("error"))  # Slack's code, e.g. expired_trigger_id
    return str(getattr(error, "cause", ""))


def _answer_in_response(response: BoltResponse, body: dict[str, Any], words: str) -> bool:
    """Turn the unacknowledged answer into words; True when the answer itself says them."""
    answer: dict[str, Any] | None = None
    if body.get("type") == "view_submission":
        # Under the form's first field, so that what the user typed stays for the next try.
        view: dict[str, Any] = body["view"] if isinstance(body.get("view"), dict) else {}
        inputs = [b.get("block_id") for b in view.get("blocks") or [] if _is_input(b)]
        if inputs and isinstance(inputs[0], str):
            answer = {"response_action": "errors", "errors": {inputs[0]: words}}
        else:
            answer = {"response_action": "push", "view": _notice(words)}
    elif "command" in body:
        answer = {"response_type": "ephemeral", "text": words}
    response.status = 200
    response.body = json.dumps(answer) if answer else ""
    response.headers["content-type"] = [
        "application/json;charset=utf-8" if answer else "text/plain;charset=utf-8"
    ]
    return answer is not None


def _is_input(block: Any) -> bool:
    return isinstance(block, dict) and block.get("type") == "input"


def _notice(words: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Please try again"},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": [{"type": "section", "text": {"type": "plain_text", "text": words}}],
    }


def describe(body: dict[str, Any]) -> str:
    """What Slack sent, in a few words: `command=/preregister`, `event=app_home_opened`…"""
    try:
        return bounded(_describe(body), 200)
    except Exception:  # a shape the edge let through: say so rather than fail while logging
        return "unrecognised request"


def _describe(body: dict[str, Any]) -> str:
    if "command" in body:
        return f"command={body['command']}"
    kind = body.get("type", "unknown")
    if kind == "event_callback":
        return f"event={body.get('event', {}).get('type')}"
    if kind == "block_actions":
        actions = ",".join(str(a.get("action_id")) for a in body.get("actions", []))
        return f"block_actions={actions}"
    if kind in ("view_submission", "view_closed"):
        return f"{kind}={body.get('view', {}).get('callback_id')}"
    return f"type={kind}"
