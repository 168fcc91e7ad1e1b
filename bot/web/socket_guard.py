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

from bot.web import envelope

log = logging.getLogger(__name__)


class GuardedSocketModeHandler(SocketModeHandler):
    """Bolt's Socket Mode handler, refusing what is not one of Slack's envelopes: not
    acknowledged, as Bolt leaves any request it answers with an error status."""

    def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        why = envelope.problem(req.payload)
        if why is not None:
            log.warning("refused malformed request: %s (a %s envelope)", why, str(req.type)[:40])
            return
        super().handle(client, req)


def socket_mode_handler(app: App, app_token: str) -> SocketModeHandler:
    """The handler `prereg socket` connects with."""
    return GuardedSocketModeHandler(app, app_token)
