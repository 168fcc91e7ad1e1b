"""The Bolt app: one Web API client, one middleware that injects our services, one error
handler (bot.slack_errors).

Listeners are registered by `bot.handlers.register`; they receive, by name, `services` (the
use-case `Context`), `review_channel_id` and `reviewer_user_ids`, besides Bolt's own arguments.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from slack_bolt import Ack, App, BoltContext, BoltResponse
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot import handlers
from bot.services.context import Context
from bot.settings import Settings, SettingsError
from bot.slack_errors import handle_error

log = logging.getLogger(__name__)

# Listeners run on this many threads. With process_before_response=False a command's ack waits
# for a free thread, so the pool must be larger than the bursts we expect (Slack waits 3 s).
LISTENER_THREADS = 32
# Work given to the listeners and not yet started, at most: past it a command or a form is
# answered "busy, try again" at once (bot.web.shedding) instead of after Slack gave up.
LISTENER_BACKLOG = 32
WEB_API_TIMEOUT = 10  # seconds per Web API call, before the retry handlers step in


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
