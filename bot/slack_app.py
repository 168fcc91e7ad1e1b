"""The Bolt app: one Web API client, one middleware that injects our services, one error handler.

Listeners are registered by `bot.handlers.register`; they receive, by name, `services` (the
use-case `Context`), `review_channel_id` and `reviewer_user_ids`, besides Bolt's own arguments.
"""

from __future__ import annotations

import json
import logging
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from slack_bolt import Ack, App, BoltContext, BoltResponse
from slack_bolt.context.respond import Respond
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot import handlers
from bot.redact import bounded, redact
from bot.services.context import Context
from bot.services.errors import BUSY, NOT_STORABLE, ServiceBusy, ValueNotStorable
from bot.settings import Settings, SettingsError

log = logging.getLogger(__name__)

APOLOGY = "Sorry, something went wrong on our side and nothing was changed. Please try again."
# Listeners run on this many threads. With process_before_response=False a command's ack waits
# for a free thread, so the pool must be larger than the bursts we expect (Slack waits 3 s).
LISTENER_THREADS = 32
# Work given to the listeners and not yet started, at most: past it a command or a form is
# answered "busy, try again" at once (bot.web.shedding) instead of after Slack gave up.
LISTENER_BACKLOG = 32
WEB_API_TIMEOUT = 10  # seconds per Web API call, before the retry handlers step in

# Refusals that can meet any listener (they come from the unit of work), answered here in words.
ANSWERED = {ServiceBusy: BUSY, ValueNotStorable: NOT_STORABLE}


def build_web_client(settings: Settings) -> WebClient:
    """Retries connection errors, 429 (honouring Retry-After) and 5xx, twice each."""
    token = settings.slack_bot_token
    return WebClient(
        base_url=settings.slack_api_url,
        token=token.get_secret_value() if token else None,
        timeout=WEB_API_TIMEOUT,
        retry_handlers=[
            ConnectionErrorRetryHandler(),
            RateLimitErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def build_slack_app(
    settings: Settings,
    services: Context,
    *,
    socket_mode: bool = False,
    token_verification: bool = True,
) -> App:
    """The Bolt app with every listener registered. Calls auth.test unless told not to."""
    if settings.slack_bot_token is None:
        raise SettingsError("setting SLACK_BOT_TOKEN is missing: the bot token (xoxb-…)")
    secret = settings.slack_signing_secret
    if secret is None and not socket_mode:
        raise SettingsError("setting SLACK_SIGNING_SECRET is missing: HTTP mode verifies requests")
    _quiet_token_warning()
    app = App(
        name="prereg",
        client=build_web_client(settings),
        # Socket Mode requests are not signed; Bolt skips verification for them.
        signing_secret=secret.get_secret_value() if secret else "",
        token_verification_enabled=token_verification,
        process_before_response=False,
        listener_executor=ListenerPool(LISTENER_THREADS, LISTENER_BACKLOG),
    )
    app.middleware(_inject(settings, services))
    app.error(handle_error)
    handlers.register(app)
    return app


class ListenerPool(ThreadPoolExecutor):
    """The listeners' threads, counting the work given to them and not yet finished."""

    def __init__(self, threads: int, backlog: int) -> None:
        super().__init__(threads, thread_name_prefix="listener")
        self.limit = threads + backlog
        self.pending = 0
        self._count = threading.Lock()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._count:
            self.pending += 1
        try:
            future = super().submit(fn, *args, **kwargs)
        except BaseException:
            self._done(None)
            raise
        future.add_done_callback(self._done)
        return future

    def full(self) -> bool:
        """Every thread busy and as much waiting as may."""
        return self.pending >= self.limit

    def _done(self, _: object) -> None:
        with self._count:
            self.pending -= 1


def overloaded(app: App) -> Callable[[], bool]:
    """Whether the app's listeners have as much work waiting as they may take."""
    pool = app.listener_runner.listener_executor
    return pool.full if isinstance(pool, ListenerPool) else lambda: False


class _TokenSkipped(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN itself and warns that our client's token wins: it is the same."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


def _quiet_token_warning() -> None:
    bolt = logging.getLogger("slack_bolt.App")
    if not any(isinstance(f, _TokenSkipped) for f in bolt.filters):
        bolt.addFilter(_TokenSkipped())


def _inject(settings: Settings, services: Context) -> Callable[..., None]:
    review_channel_id = settings.review_channel_id
    reviewer_user_ids = settings.reviewer_user_ids

    def inject_services(context: BoltContext, next_: Callable[[], None]) -> None:
        context["ack"] = _StickyAck()  # type: ignore[no-untyped-call]
        context["services"] = services
        context["review_channel_id"] = review_channel_id
        context["reviewer_user_ids"] = reviewer_user_ids
        next_()

    return inject_services


class _StickyAck(Ack):
    """An acknowledgement that, once given, stays given. When a listener fails right after its
    ack, Bolt's thread runner sets the ack's response back to None before the request thread
    has seen it, and Slack then waits 3 s for a 404 although the listener had answered."""

    _given: BoltResponse | None = None

    @property
    def response(self) -> BoltResponse | None:
        return self._given

    @response.setter
    def response(self, value: BoltResponse | None) -> None:
        if value is not None or self._given is None:
            self._given = value


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
    words = next((text for kind, text in ANSWERED.items() if isinstance(error, kind)), None)
    if words is not None:
        log.warning(
            "refused: %s user=%s: %s (%s)",
            describe(body),
            user_id,
            type(error).__name__,
            redact(str(getattr(error, "cause", ""))),
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
            redact("".join(traceback.format_exception(error)).rstrip()),
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
