"""The HTTP server and the object tests use."""

from __future__ import annotations

import copy
import json
import logging
import secrets
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from slack_sdk import WebClient

from tests.slack_standin.api import WebApi, parse_args
from tests.slack_standin.calls import PATIENCE, ApiError, Args, Call, CallLog
from tests.slack_standin.checks import message_problems
from tests.slack_standin.faults import Fault, FaultPlan, TriggerRegistry
from tests.slack_standin.identity import (
    COMMAND_ACK,
    DEFAULT_TOKEN,
    RESPONSE_ACTION,
    RESPONSE_URL,
    RESPONSE_URL_USES,
    TRIGGER_TTL,
    UPLOAD,
)
from tests.slack_standin.views import checked_view
from tests.slack_standin.workspace import with_generated_ids

log = logging.getLogger(__name__)


class _HttpHandler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        self._serve()

    def do_GET(self) -> None:
        self._serve()

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            answer = self.server.standin.handle(self.command, self.path, headers, body)
        except Exception as exc:  # a stand-in bug: answer it instead of dropping the line
            answer = 500, {"Content-Type": "text/plain"}, f"stand-in error: {exc!r}".encode()
        status, extra, payload = answer
        self.send_response(status)
        for name, value in extra.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean; every call is in the CallLog anyway


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    standin: SlackStandin

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (the timeout tests) is gone before its answer is written:
        # nothing to report. Anything else goes to the log, never to stderr, which the test
        # running by then may be capturing (socketserver prints there by default).
        if isinstance(sys.exc_info()[1], OSError):  # reset, broken pipe, timed out
            return
        log.warning("stand-in: a request from %s failed", client_address, exc_info=True)


@dataclass
class _ResponseUrl:
    channel: str
    user: str
    message_ts: str | None
    uses: int = 0


@dataclass
class StandinWarning:
    method: str
    code: str
    seq: int


class SlackStandin:
    """The stand-in server. Start it (``with`` or ``start()``), give the bot ``url``."""

    def __init__(self, *, token: str = DEFAULT_TOKEN, trigger_ttl: float = TRIGGER_TTL) -> None:
        self.token = token
        self.triggers = TriggerRegistry(trigger_ttl)
        self.api = WebApi(token, self.triggers, lambda: self.base_url)
        self.log = CallLog()
        self.faults = FaultPlan()
        self.latency = 0.0  # seconds added to every call (see also slow())
        self._response_urls: dict[str, _ResponseUrl] = {}
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle ------------------------------------------------------

    def start(self) -> SlackStandin:
        self._server = _Server(("127.0.0.1", 0), _HttpHandler)
        self._server.standin = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> SlackStandin:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start the stand-in first"
        host, port = self._server.server_address[:2]
        assert isinstance(host, str)  # an IPv4 socket's address, never bytes
        return f"http://{host}:{port}/"

    @property
    def url(self) -> str:
        """The Web API base URL: slack_sdk's ``base_url``, our ``SLACK_API_URL``."""
        return self.base_url + "api/"

    def web_client(self, **kwargs: Any) -> WebClient:
        """A WebClient pointed here with the stand-in's token (kwargs go to WebClient)."""
        return WebClient(base_url=self.url, token=self.token, **kwargs)

    # -- HTTP entry point ---------------------------------------------------

    def handle(
        self, verb: str, target: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(target)
        path = parts.path.strip("/").split("/")
        if len(path) == 2 and path[0] == "api":
            return self._api_call(path[1], verb, parts.query, headers, body)
        if len(path) == 3 and path[:2] == ["upload", "v1"]:
            return self._upload(path[2], headers, body)
        if len(path) == 2 and path[0] == "respond":
            return self._respond(path[1], headers, body)
        return 404, {"Content-Type": "text/plain"}, b"not found"

    def _api_call(
        self, method: str, verb: str, query: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        arrived = time.time()
        early: dict[str, Any] | None
        try:
            raw = parse_args(verb, query, headers, body)
        except ApiError as exc:
            raw, early = {}, {"ok": False, "error": exc.error}
        else:
            early = None
        auth = headers.get("authorization", "")
        token = auth[7:] if auth.lower().startswith("bearer ") else raw.pop("token", None)
        raw.pop("token", None)
        status, extra, answer, injected = self._answer(method, token, raw, early)
        self.log.record(
            method=method,
            args=copy.deepcopy(raw),
            headers=headers,
            at=arrived,
            status=status,
            response=answer,
            injected=injected,
        )
        return status, {"Content-Type": "application/json; charset=utf-8", **extra}, _json(answer)

    def _answer(
        self, method: str, token: str | None, raw: dict[str, Any], early: dict[str, Any] | None
    ) -> tuple[int, dict[str, str], dict[str, Any], bool]:
        fault = self.faults.take(method)
        delay = self.latency + (fault.delay if fault else 0.0)
        if delay:
            time.sleep(delay)
        if fault is not None and fault.answers:
            status, extra, answer = fault.answer()
            return status, extra, answer, True
        if early is not None:
            return 200, {}, early, False
        return 200, {}, self.api.call(method, token, Args(raw)), False

    def _upload(
        self, file_id: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        fault = self.faults.take(UPLOAD)
        if fault is not None and fault.answers:
            status, extra, answer = fault.answer()
        else:
            with self.api.lock:
                known = self.api.files.receive(file_id, body)
            status, extra, answer = (200, {}, {"ok": True}) if known else (404, {}, {"ok": False})
        self.log.record(
            method=UPLOAD,
            args={"file_id": file_id, "size": len(body)},
            headers=headers,
            at=time.time(),
            status=status,
            response=answer,
            injected=fault is not None,
        )
        text = f"OK - {len(body)}" if status == 200 else "upload failed"
        return status, {"Content-Type": "text/plain", **extra}, text.encode()

    # -- response_url ------------------------------------------------------

    def response_url(self, channel: str, user: str, message_ts: str | None = None) -> str:
        """A response_url for an interaction by ``user`` in ``channel`` (on a message)."""
        key = secrets.token_urlsafe(12)
        with self.api.lock:
            self._response_urls[key] = _ResponseUrl(channel, user, message_ts)
        return f"{self.base_url}respond/{key}"

    def _respond(
        self, key: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        try:
            payload = json.loads(body or b"{}")
        except ValueError:
            payload = None
        answer: dict[str, Any]
        with self.api.lock:
            target = self._response_urls.get(key)
            if target is None or target.uses >= RESPONSE_URL_USES:
                status, answer = 404, {"ok": False, "error": "expired_url"}
            elif not isinstance(payload, dict):
                status, answer = 400, {"ok": False, "error": "invalid_payload"}
            else:
                target.uses += 1
                status, answer = self._apply_response(target, payload)
        self.log.record(
            method=RESPONSE_URL,
            args=payload if isinstance(payload, dict) else {"raw": body.decode(errors="replace")},
            headers=headers,
            at=time.time(),
            status=status,
            response=answer,
        )
        return status, {"Content-Type": "text/plain"}, (answer.get("error") or "ok").encode()

    def _apply_response(
        self, target: _ResponseUrl, payload: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        problems = message_problems(payload.get("text"), payload.get("blocks"))
        if problems:
            return 400, {"ok": False, "error": "invalid_blocks", "messages": problems}
        with self.api.lock:
            original = self.api.messages.messages.get((target.channel, target.message_ts or ""))
            if payload.get("delete_original") and original is not None:
                del self.api.messages.messages[(target.channel, original["ts"])]
            elif payload.get("replace_original") and original is not None:
                original["text"] = payload.get("text", "")
                original["blocks"] = with_generated_ids(payload.get("blocks") or [])
            elif payload.get("response_type") == "in_channel":
                self.api.messages.store(
                    target.channel, text=payload.get("text"), blocks=payload.get("blocks")
                )
            else:
                self._ephemeral(target.channel, target.user, payload)
        return 200, {"ok": True}

    def _ephemeral(self, channel: str, user: str, payload: dict[str, Any]) -> None:
        self.api.messages.ephemerals.append(
            {
                "channel": channel,
                "user": user,
                "text": payload.get("text", ""),
                "blocks": with_generated_ids(payload["blocks"]) if payload.get("blocks") else None,
                "thread_ts": None,
                "message_ts": self.api.clock.next(),
            }
        )

    # -- what Slack's client does with the bot's ack bodies (driver calls these) --

    def apply_command_ack(self, channel: str, user: str, body: Any) -> None:
        """A slash command's ack body is shown to the user like a response_url message."""
        if not isinstance(body, dict) or not (body.get("text") or body.get("blocks")):
            return
        status, answer = self._apply_response(_ResponseUrl(channel, user, None), body)
        self._record_pseudo(COMMAND_ACK, body, status, answer)

    def apply_view_response(self, user_id: str, view_id: str, body: Any) -> None:
        """What Slack does with the bot's answer to a view_submission."""
        action = body.get("response_action") if isinstance(body, dict) else None
        answer: dict[str, Any] = {"ok": True}
        with self.api.lock:
            try:
                self._view_response(user_id, view_id, action, body)
            except ApiError as exc:
                answer = {"ok": False, "error": exc.error, "messages": exc.messages}
        self._record_pseudo(RESPONSE_ACTION, body if isinstance(body, dict) else {}, 200, answer)

    def _view_response(self, user_id: str, view_id: str, action: Any, body: Any) -> None:
        views = self.api.views
        if action is None:  # an empty ack closes the submitted view
            views.close(user_id, view_id)
        elif action == "clear":
            views.clear(user_id)
        elif action == "update":
            view = checked_view(body.get("view"))
            views.save(view, user_id, view_id=view_id)
        elif action == "push":
            views.push_for(user_id, checked_view(body.get("view")))
        elif action == "errors":
            errors = body.get("errors")
            inputs = {b["block_id"] for b in views.views[view_id]["blocks"] if b["type"] == "input"}
            if not isinstance(errors, dict) or not errors or not set(errors) <= inputs:
                raise ApiError("invalid_arguments", [f"errors must name input blocks: {inputs}"])
        else:
            raise ApiError("invalid_arguments", [f"unknown response_action {action!r}"])

    def close_view(self, user_id: str, view_id: str) -> None:
        """The user closed a modal (the driver sends view_closed when asked to notify)."""
        with self.api.lock:
            self.api.views.close(user_id, view_id)

    def _record_pseudo(
        self, method: str, args: dict[str, Any], status: int, answer: dict[str, Any]
    ) -> None:
        self.log.record(
            method=method,
            args=copy.deepcopy(args),
            headers={},
            at=time.time(),
            status=status,
            response=answer,
        )

    # -- failure injection -------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int = 200,
        error: str | None = None,
        retry_after: int | None = None,
        delay: float = 0.0,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (``"*"``: any) misbehave, in order.

        ``status=429, retry_after=1`` rate-limits; ``status=500`` is a server error;
        ``error="channel_not_found"`` answers HTTP 200 ``ok: false``; ``delay`` waits first.
        """
        if status == 429 and retry_after is None:
            retry_after = 1
        self.faults.add(method, Fault(status, error, retry_after, delay), times)

    def slow(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Delay the next ``times`` calls of ``method``, then serve them normally."""
        self.faults.add(method, Fault(delay=seconds), times)

    # -- reading what happened ------------------------------------------------

    def mark(self) -> int:
        return self.log.mark()

    def calls(
        self,
        method: str | None = None,
        predicate: Callable[[Call], bool] | None = None,
        *,
        after: int = 0,
    ) -> list[Call]:
        return self.log.select(method, predicate, after)

    def wait_for(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        timeout: float = PATIENCE,
        *,
        after: int = 0,
    ) -> Call:
        """The first call of ``method`` (after ``after``) matching ``predicate``; waits for it."""
        return self.log.wait_for(method, predicate, timeout=timeout, after=after)[0]

    def wait_for_count(
        self,
        method: str,
        count: int,
        predicate: Callable[[Call], bool] | None = None,
        *,
        timeout: float = PATIENCE,
        after: int = 0,
    ) -> list[Call]:
        return self.log.wait_for(method, predicate, timeout=timeout, count=count, after=after)

    def errors(self, *, include_injected: bool = False) -> list[Call]:
        """Calls Slack would have refused (not counting the failures you injected, nor a
        conditional publish that lost to a newer one: `hash_conflict` is how a publisher
        learns that it must render again)."""
        return [
            c
            for c in self.calls()
            if not c.ok and (include_injected or not c.injected) and c.error != "hash_conflict"
        ]

    @property
    def warnings(self) -> list[StandinWarning]:
        return [StandinWarning(c.method, code, c.seq) for c in self.calls() for code in c.warnings]

    def assert_clean(self) -> None:
        """Fail if the bot made a call Slack would refuse or warn about."""
        problems = [(c.method, c.error, c.response.get("response_metadata")) for c in self.errors()]
        assert not problems, f"Slack would have refused: {problems}"
        assert not self.warnings, f"Slack warned: {self.warnings}"

    # -- the fake workspace's state (copies; safe to keep) ---------------------

    def add_user(self, user_id: str, **profile: Any) -> dict[str, Any]:
        """Register a user: ``name``, ``tz`` (IANA), ``tz_offset`` (s), ``is_bot``, ``deleted``."""
        with self.api.lock:
            return copy.deepcopy(self.api.directory.add_user(user_id, **profile))

    def user(self, user_id: str) -> dict[str, Any]:
        """The user as users.info shows it (any well-formed id exists)."""
        with self.api.lock:
            return copy.deepcopy(self.api.directory.user(user_id))

    def dm_channel(self, user_id: str) -> str:
        """The bot's DM channel with ``user_id`` (in Slack it exists for every user; whether
        the bot opened it shows in ``calls("conversations.open")``)."""
        with self.api.lock:
            return self.api.directory.dm(user_id)[0]

    def messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Current state of messages (oldest first), each with a ``channel`` key."""
        with self.api.lock:
            found = [
                copy.deepcopy(m)
                for (ch, _), m in self.api.messages.messages.items()
                if channel is None or ch == channel
            ]
        return sorted(found, key=lambda m: m["ts"])

    def message(self, channel: str, ts: str) -> dict[str, Any]:
        with self.api.lock:
            return copy.deepcopy(self.api.messages.messages[(channel, ts)])

    def ephemerals(self, user: str | None = None) -> list[dict[str, Any]]:
        with self.api.lock:
            return [
                copy.deepcopy(e)
                for e in self.api.messages.ephemerals
                if user is None or e["user"] == user
            ]

    def view(self, view_id: str) -> dict[str, Any]:
        with self.api.lock:
            return copy.deepcopy(self.api.views.views[view_id])

    def view_owner(self, view_id: str) -> str:
        with self.api.lock:
            return self.api.views.owner[view_id]

    def modal_stack(self, user_id: str) -> list[dict[str, Any]]:
        """The user's open modal views, bottom first (empty when no modal is open)."""
        with self.api.lock:
            ids = self.api.views.stacks.get(user_id, [])
            return [copy.deepcopy(self.api.views.views[v]) for v in ids]

    def current_modal(self, user_id: str) -> dict[str, Any] | None:
        stack = self.modal_stack(user_id)
        return stack[-1] if stack else None

    def home_view(self, user_id: str) -> dict[str, Any] | None:
        """The latest home tab published for ``user_id``."""
        with self.api.lock:
            view_id = self.api.views.home.get(user_id)
            return copy.deepcopy(self.api.views.views[view_id]) if view_id else None

    def files(self) -> list[dict[str, Any]]:
        """Uploaded files, ``content`` (bytes) included."""
        with self.api.lock:
            return [copy.deepcopy(f) for f in self.api.files.files.values()]


def _json(value: Any) -> bytes:
    return json.dumps(value).encode()
