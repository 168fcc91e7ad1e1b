"""The Web API: routing, authentication, the pseudo-methods."""

from __future__ import annotations

import contextlib
import copy
import json
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from tests.slack_standin.calls import ApiError, Args
from tests.slack_standin.faults import TriggerRegistry
from tests.slack_standin.identity import BOT_ID, BOT_USER_ID, JSON_FIELDS, TEAM_DOMAIN, TEAM_ID
from tests.slack_standin.messages import MessageStore
from tests.slack_standin.socket_mode import APP_TOKEN
from tests.slack_standin.views import FileStore, ViewStore
from tests.slack_standin.workspace import Directory, TsClock, new_id


class WebApi:
    """Dispatches one Web API method to the store that knows about it."""

    def __init__(self, token: str, triggers: TriggerRegistry, base_url: Callable[[], str]) -> None:
        self.token = token
        self.app_token = APP_TOKEN
        self.socket_url: str | None = None
        """The WebSocket URL `apps.connections.open` hands out (tests.slack_standin.socket_mode)."""
        self.lock = threading.RLock()  # one request changes the workspace at a time
        self.directory = Directory()
        self.clock = TsClock()
        self.messages = MessageStore(self.directory, self.clock)
        self.views = ViewStore(triggers)
        self.files = FileStore(self.directory, self.messages, base_url)
        self.methods: dict[str, Callable[[Args], dict[str, Any]]] = {
            "api.test": lambda args: {"args": dict(args.raw)},
            "auth.test": self._auth_test,
            "apps.connections.open": self._connections_open,
            "chat.postMessage": self.messages.post_message,
            "chat.update": self.messages.update,
            "chat.postEphemeral": self.messages.post_ephemeral,
            "chat.getPermalink": self.messages.permalink,
            "conversations.open": self._conversations_open,
            "conversations.history": self.messages.history,
            "conversations.replies": self.messages.replies,
            "views.open": self.views.open,
            "views.push": self.views.push,
            "views.update": self.views.update,
            "views.publish": self.views.publish,
            "users.info": self._users_info,
            "files.getUploadURLExternal": self.files.get_upload_url,
            "files.completeUploadExternal": self.files.complete,
        }

    def call(self, method: str, token: str | None, args: Args) -> dict[str, Any]:
        handler = self.methods.get(method)
        try:
            if handler is None:
                raise ApiError("unknown_method")
            if method != "api.test":
                if not token:
                    raise ApiError("not_authed")
                # Socket Mode's one method takes the app-level token, every other the bot's.
                if token != (self.app_token if method == "apps.connections.open" else self.token):
                    raise ApiError("invalid_auth")
            with self.lock:
                answer = {"ok": True, **handler(args)}
        except ApiError as exc:
            answer = {"ok": False, "error": exc.error}
            if exc.messages:
                answer["response_metadata"] = {"messages": exc.messages}
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            # Arguments of a shape the stand-in cannot digest: Slack would refuse them too,
            # and an answer (rather than a dropped connection) tells the test why.
            detail = f"[ERROR] stand-in could not process the arguments: {exc!r}"
            answer = {"ok": False, "error": "invalid_arguments"}
            answer["response_metadata"] = {"messages": [detail]}
        if args.warnings:
            answer["warning"] = ",".join(args.warnings)
            meta = answer.setdefault("response_metadata", {})
            meta["warnings"] = list(args.warnings)
        return answer

    def _auth_test(self, args: Args) -> dict[str, Any]:
        return {
            "url": f"https://{TEAM_DOMAIN}.slack.com/",
            "team": "Stand-in",
            "user": "prereg",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _connections_open(self, args: Args) -> dict[str, Any]:
        if self.socket_url is None:
            raise ApiError("not_allowed_token_type")  # Slack's answer for an app without it
        return {"url": self.socket_url}

    def _conversations_open(self, args: Args) -> dict[str, Any]:
        users = [u for u in str(args.get("users", "")).split(",") if u]
        if args.get("channel"):
            channel = self.directory.channel(args.get("channel"))
            return {"channel": {"id": channel}, "already_open": True}
        if not users:
            raise ApiError("users_list_not_supplied")
        if len(users) > 1:  # a group DM; the stand-in only needs an id for it
            return {"channel": {"id": new_id("G")}}
        channel, existed = self.directory.dm(users[0])
        answer: dict[str, Any] = {"channel": {"id": channel}}
        if existed:
            answer.update(no_op=True, already_open=True)
        if args.flag("return_im"):
            answer["channel"].update(is_im=True, user=users[0], created=int(time.time()))
        return answer

    def _users_info(self, args: Args) -> dict[str, Any]:
        return {"user": copy.deepcopy(self.directory.user(args.required("user", "user_not_found")))}


def parse_args(verb: str, query: str, headers: dict[str, str], body: bytes) -> dict[str, Any]:
    """Arguments from the query string and the body (JSON or form), JSON fields decoded."""
    args: dict[str, Any] = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
    content_type = headers.get("content-type", "")
    if verb == "POST" and body:
        if content_type.startswith("application/json"):
            try:
                decoded = json.loads(body)
            except ValueError as exc:
                raise ApiError("invalid_json") from exc
            args.update(decoded if isinstance(decoded, dict) else {})
        else:
            form = parse_qs(body.decode(), keep_blank_values=True)
            args.update({k: v[-1] for k, v in form.items()})
    for name in JSON_FIELDS:
        if isinstance(args.get(name), str) and args[name]:
            # Left as a string when it is not JSON: the handler answers Slack's format error.
            with contextlib.suppress(ValueError):
                args[name] = json.loads(args[name])
    return args
