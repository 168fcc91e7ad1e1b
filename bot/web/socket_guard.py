"""What stands before Bolt on the Socket Mode path: the envelope, checked as over HTTP.

Bolt builds every middleware's arguments (the action, the view, ...) from the body before the
middleware runs, and some shapes (`"actions": []`) make that raise; so the check runs here, on
the request as slack_sdk's client hands it over, before Bolt dispatches anything.
"""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.web import envelope

log = logging.getLogger(__name__)
ENVELOPE_ID_MAX = 100  # Slack's are UUIDs; anything far longer is not one of theirs


class GuardedSocketModeHandler(SocketModeHandler):
    """Bolt's Socket Mode handler, refusing what is not one of Slack's envelopes before Bolt
    sees it. The refused envelope is acknowledged all the same (with nothing in it): Slack
    delivers an unacknowledged envelope again, and it would be refused again."""

    def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        why = envelope.problem(req.payload)
        if why is not None:
            log.warning("refused malformed request: %s (a %s envelope)", why, str(req.type)[:40])
            if isinstance(req.envelope_id, str) and 0 < len(req.envelope_id) <= ENVELOPE_ID_MAX:
                client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))
            return
        super().handle(client, req)


def socket_mode_handler(app: App, app_token: str) -> SocketModeHandler:
    """The handler `prereg socket` connects with."""
    return GuardedSocketModeHandler(app, app_token)
