"""Requests shaped and signed as Slack sends them, and what Slack knows of the user."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, cast
from urllib.parse import urlencode

from tests.slack_standin import APP_ID, TEAM_DOMAIN, TEAM_ID

if TYPE_CHECKING:
    from tests.slack_standin import SlackStandin
from tests.slack_driver.forms import FormError

# How to sign a request: as Slack does, or broken in one of the ways Bolt must refuse.
Signature = Literal["valid", "bad", "stale", "missing"]


STALE_BY = 6 * 60  # seconds; Bolt refuses timestamps more than 5 minutes off


VERIFICATION_TOKEN = "standin-verification-token"  # Slack's deprecated per-app token


@dataclass(frozen=True)
class Reply:
    """The bot's HTTP answer."""

    status: int
    headers: dict[str, str]  # lower-cased names
    body: str
    elapsed: float  # seconds until the answer arrived (the ack must come within 3 s)

    @property
    def json(self) -> Any:
        """The body as JSON, or None for an empty (plain ack) body."""
        if not self.body.strip():
            return None
        try:
            return json.loads(self.body)
        except ValueError:
            return None


def _now_ts() -> str:
    return f"{time.time():.6f}"


class Transport:
    """Signs and sends Slack's requests; knows the team, the user and the stand-in."""

    def __init__(
        self,
        url: str,
        signing_secret: str,
        *,
        standin: SlackStandin | None = None,
        team_id: str = TEAM_ID,
        team_domain: str = TEAM_DOMAIN,
        app_id: str = APP_ID,
        timeout: float = 10.0,
    ) -> None:
        self.url = url
        self.signing_secret = signing_secret
        self.standin = standin
        self.team = {"id": team_id, "domain": team_domain}
        self.app_id = app_id
        self.timeout = timeout
        # Loopback only: never let an HTTP(S)_PROXY variable route test traffic away.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def sign(self, body: bytes, timestamp: int | str) -> str:
        """Slack's signature: ``v0=`` + hex HMAC-SHA256 of ``v0:{timestamp}:{body}``."""
        base = b"v0:" + str(timestamp).encode() + b":" + body
        digest = hmac.new(self.signing_secret.encode(), base, hashlib.sha256).hexdigest()
        return f"v0={digest}"

    def send(
        self,
        body: bytes | str,
        content_type: str,
        *,
        signature: Signature = "valid",
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        """POST a raw body, signed as asked."""
        raw = body.encode() if isinstance(body, str) else body
        timestamp = int(time.time()) - (STALE_BY if signature == "stale" else 0)
        all_headers = {"Content-Type": content_type, "User-Agent": "Slackbot 1.0"}
        if signature != "missing":
            signed = self.sign(raw, timestamp)
            if signature == "bad":
                signed = signed[:-4] + ("0000" if not signed.endswith("0000") else "1111")
            all_headers["X-Slack-Request-Timestamp"] = str(timestamp)
            all_headers["X-Slack-Signature"] = signed
        all_headers.update(headers or {})
        request = urllib.request.Request(self.url, data=raw, headers=all_headers, method="POST")
        started = time.monotonic()
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                status, text = response.status, response.read().decode()
                answer_headers = {k.lower(): v for k, v in response.headers.items()}
        except urllib.error.HTTPError as error:  # 4xx/5xx still carry a body to check
            status, text = error.code, error.read().decode()
            answer_headers = {k.lower(): v for k, v in error.headers.items()}
        return Reply(status, answer_headers, text, time.monotonic() - started)

    def send_payload(self, payload: dict[str, Any], *, signature: Signature = "valid") -> Reply:
        """An interactivity request: form field ``payload`` holding JSON, as Slack sends it."""
        body = urlencode({"payload": json.dumps(payload)})
        return self.send(body, "application/x-www-form-urlencoded", signature=signature)

    def user(self, user_id: str) -> dict[str, Any]:
        name = user_id.lower()
        if self.standin is not None:
            name = self.standin.user(user_id)["name"]
        return {"id": user_id, "username": name, "name": name, "team_id": self.team["id"]}

    def trigger_id(self, user_id: str, age: float = 0.0) -> str:
        """A trigger_id as Slack sends it; ``age`` seconds old (the stand-in refuses past 3)."""
        if self.standin is not None:
            return self.standin.triggers.issue(user_id, age=age)
        return f"{int(time.time())}.{secrets.randbelow(10**10)}.{secrets.token_hex(16)}"

    def response_url(self, channel: str, user_id: str, message_ts: str | None = None) -> str:
        if self.standin is not None:
            return self.standin.response_url(channel, user_id, message_ts)
        return f"https://hooks.slack.com/commands/{self.team['id']}/{secrets.token_hex(8)}"

    def _common(self, kind: str, user_id: str) -> dict[str, Any]:
        return {
            "type": kind,
            "user": self.user(user_id),
            "api_app_id": self.app_id,
            "token": VERIFICATION_TOKEN,
            "team": dict(self.team),
            "enterprise": None,
            "is_enterprise_install": False,
        }

    def _view(self, user_id: str, view: dict[str, Any] | str | None) -> dict[str, Any]:
        """A view given as dict, as id (looked up in the stand-in), or the user's open modal."""
        if isinstance(view, dict):
            return cast(dict[str, Any], json.loads(json.dumps(view)))  # a deep, JSON-only copy
        if self.standin is None:
            raise ValueError("pass the view itself when the driver has no stand-in")
        found = self.standin.view(view) if view else self.standin.current_modal(user_id)
        if found is None:
            raise FormError(f"no modal is open for {user_id}")
        return found
