"""The answer to a Slack request that arrives while the listeners' queue is full.

Rather than queue without bound behind the listener threads (and answer after Slack gave up
at 3 s), a request is answered at once: the user reads that nothing was done and can try
again in a moment; Slack delivers an event again later by itself.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from bot.services.errors import BUSY

BUSY_TITLE = "Please try again"


def busy_answer(body: dict[str, Any]) -> Response | None:
    """None for what is let through anyway: a click (its ack has nowhere to show words, and
    its work is small next to a form's)."""
    if "command" in body:
        return jsonify(response_type="ephemeral", text=BUSY)
    if body.get("type") == "view_submission":
        view = body.get("view") if isinstance(body.get("view"), dict) else {}
        inputs = [
            b.get("block_id")
            for b in (view or {}).get("blocks") or []
            if isinstance(b, dict) and b.get("type") == "input"
        ]
        if inputs and isinstance(inputs[0], str):  # under the first field: what was typed stays
            return jsonify(response_action="errors", errors={inputs[0]: BUSY})
        return jsonify(response_action="push", view=_notice())
    if body.get("type") == "event_callback":
        answer = jsonify(error="busy")
        answer.status_code = 503  # Slack retries the event later (Events API retries)
        return answer
    return None


def _notice() -> dict[str, Any]:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": BUSY_TITLE},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": [{"type": "section", "text": {"type": "plain_text", "text": BUSY}}],
    }
