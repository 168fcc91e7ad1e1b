"""The driver: slash commands and events, on top of the interactions and the transport."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

from tests.slack_driver.interactions import Interactions
from tests.slack_driver.transport import VERIFICATION_TOKEN, Reply, Signature, _now_ts
from tests.slack_standin import BOT_USER_ID, new_id


class SlackDriver(Interactions):
    """Sends Slack's requests to the bot at ``url`` (e.g. ``http://127.0.0.1:PORT/slack/events``)."""

    def slash_command(
        self,
        user_id: str,
        text: str = "",
        *,
        command: str = "/preregister",
        channel_id: str = "C0GENERAL",
        channel_name: str = "general",
        signature: Signature = "valid",
        trigger_age: float = 0.0,
    ) -> Reply:
        fields = {
            "token": VERIFICATION_TOKEN,
            "team_id": self.team["id"],
            "team_domain": self.team["domain"],
            "channel_id": channel_id,
            "channel_name": channel_name,
            "user_id": user_id,
            "user_name": self.user(user_id)["name"],
            "command": command,
            "text": text,
            "api_app_id": self.app_id,
            "is_enterprise_install": "false",
            "response_url": self.response_url(channel_id, user_id),
            "trigger_id": self.trigger_id(user_id, trigger_age),
        }
        reply = self.send(
            urlencode(fields), "application/x-www-form-urlencoded", signature=signature
        )
        if self.standin is not None and reply.status == 200 and reply.body.strip():
            # Slack shows a non-empty ack to the user, like a response_url message.
            body = reply.json if isinstance(reply.json, dict) else {"text": reply.body}
            self.standin.apply_command_ack(channel_id, user_id, body)
        return reply

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        signature: Signature = "valid",
    ) -> Reply:
        """Deliver an Events API callback; ``retry_num`` marks it as Slack's n-th retry
        (reuse the ``event_id`` of the first delivery to model a true retry)."""
        body = {
            "token": VERIFICATION_TOKEN,
            "team_id": self.team["id"],
            "api_app_id": self.app_id,
            "event": {"event_ts": _now_ts(), **event},
            "type": "event_callback",
            "event_id": event_id or new_id("Ev"),
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": self.team["id"],
                    "user_id": BOT_USER_ID,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        return self.send(json.dumps(body), "application/json", signature=signature, headers=headers)

    def app_home_opened(
        self,
        user_id: str,
        *,
        tab: str = "home",
        event_id: str | None = None,
        retry_num: int | None = None,
        signature: Signature = "valid",
    ) -> Reply:
        event: dict[str, Any] = {"type": "app_home_opened", "user": user_id, "tab": tab}
        if self.standin is not None:
            event["channel"] = self.standin.dm_channel(user_id)
            home = self.standin.home_view(user_id)
            if home is not None:  # Slack includes the view currently published
                event["view"] = home
        else:
            event["channel"] = new_id("D")
        return self.event(event, event_id=event_id, retry_num=retry_num, signature=signature)

    def url_verification(self, challenge: str = "standin-challenge") -> Reply:
        body = {"token": VERIFICATION_TOKEN, "challenge": challenge, "type": "url_verification"}
        return self.send(json.dumps(body), "application/json")
