"""Running the bot: HTTP mode behind waitress, or Socket Mode; the scheduler alongside.

`bot.cli` calls `serve` or `socket` with a built `Runtime`; both block until SIGTERM or SIGINT,
then stop taking work, stop the scheduler and dispose of the engine.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from typing import Any, TextIO

from slack_bolt import App
from waitress.server import BaseWSGIServer, MultiSocketServer, create_server

from bot.adapters.outbox_worker import OutboxWorker
from bot.bootstrap import Runtime
from bot.redact import Redacting, redact
from bot.scheduler import build_scheduler
from bot.settings import Settings, SettingsError
from bot.web.socket_guard import socket_mode_handler

log = logging.getLogger(__name__)

# waitress: a pool of request threads (Bolt acks on them, listeners run on their own pool).
# waitress reads each request whole in its event loop before a thread sees it, so a slow
# client costs a socket, not a thread; the connection limit is set well above the slow clients
# one address can hold open (past the limit waitress stops accepting, and /healthz with it),
# idle connections are dropped after `channel_timeout`, and no body is larger than Slack sends.
# In production run behind a reverse proxy that buffers requests (README, "Serving").
WAITRESS: dict[str, Any] = {
    "threads": 16,
    "connection_limit": 2000,
    "channel_timeout": 15,
    "cleanup_interval": 5,
    "backlog": 1024,
    "max_request_header_size": 64 * 1024,
    "max_request_body_size": 2 * 1024 * 1024,
    "asyncore_use_poll": True,  # select() cannot watch more than 1024 sockets
}
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"


@dataclass(frozen=True)
class HttpStack:
    """What HTTP mode runs: the waitress server, the Bolt app behind it, the outbox worker."""

    server: MultiSocketServer | BaseWSGIServer
    slack_app: App
    outbox: OutboxWorker

    def urls(self) -> list[str]:
        return _urls(self.server)


def http_stack(runtime: Runtime, host: str, port: int) -> HttpStack:
    """Built, listening, not yet serving: `stack.server.run()` serves until closed."""
    _require(runtime.settings, socket_mode=False)
    slack_app = runtime.slack_app()
    server = create_server(runtime.web_app(slack_app), host=host, port=port, **WAITRESS)
    return HttpStack(server, slack_app, runtime.outbox_worker())


def stop(stack: HttpStack, runtime: Runtime, jobs: Any = None) -> None:
    """Stop taking requests, then finish what is running, then close the database."""
    stack.server.close()
    _stop(stack.slack_app, jobs, stack.outbox, runtime)


def serve(runtime: Runtime, host: str, port: int, scheduler: bool) -> None:
    """HTTP mode: `POST /slack/events`, `GET /healthz` and the web pages, served by waitress."""
    configure_logging()
    stack = http_stack(runtime, host, port)
    server, outbox = stack.server, stack.outbox
    jobs = build_scheduler(runtime) if scheduler else None
    with _on_stop_signal(_raise_system_exit):  # a second signal while stopping is ignored
        try:
            outbox.start()
            if jobs is not None:
                jobs.start()
            log.info(
                "prereg serving on %s (Slack requests at /slack/events, scheduler %s)",
                ", ".join(_urls(server)),
                "on" if jobs is not None else "off",
            )
            server.run()  # returns on SystemExit / KeyboardInterrupt, raised by the signal
        except SystemExit:
            pass  # the signal arrived before the server loop ran
        finally:
            log.info("prereg stopping")
            stop(stack, runtime, jobs)
            log.info("prereg stopped")


def socket(runtime: Runtime, scheduler: bool = True) -> None:
    """Socket Mode: the same listeners over Slack's WebSocket; no public URL needed."""
    configure_logging()
    settings = runtime.settings
    _require(settings, socket_mode=True)
    assert settings.slack_app_token is not None
    slack_app = runtime.slack_app(socket_mode=True)
    handler = socket_mode_handler(slack_app, settings.slack_app_token.get_secret_value())
    jobs = build_scheduler(runtime) if scheduler else None
    outbox = runtime.outbox_worker()
    stopping = threading.Event()
    with _on_stop_signal(stopping.set):
        try:
            handler.connect()  # type: ignore[no-untyped-call]
            outbox.start()
            if jobs is not None:
                jobs.start()
            log.info("prereg connected over Socket Mode (scheduler %s)", "on" if jobs else "off")
            stopping.wait()
        finally:
            log.info("prereg stopping")
            handler.close()  # type: ignore[no-untyped-call]
            _stop(slack_app, jobs, outbox, runtime)
            log.info("prereg stopped")


class OneLineFormatter(logging.Formatter):
    """One line per record (tracebacks folded with ` | `), emails and tokens masked."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record)).replace("\n", " | ")


def log_handler(stream: TextIO) -> logging.Handler:
    """One line per record, bounded, emails, mobiles and tokens masked."""
    handler = logging.StreamHandler(stream)
    handler.addFilter(Redacting())
    handler.setFormatter(OneLineFormatter(LOG_FORMAT))
    return handler


def configure_logging(level: int = logging.INFO) -> None:
    """Stdlib logging to stderr; idempotent, so every entry point may call it."""
    root = logging.getLogger()
    if any(isinstance(h.formatter, OneLineFormatter) for h in root.handlers):
        return
    root.addHandler(log_handler(sys.stderr))
    root.setLevel(level)
    # APScheduler announces every run at INFO; its warnings and errors are what matter.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def _require(settings: Settings, socket_mode: bool) -> None:
    missing = settings.missing_for_slack(socket_mode)
    if missing:
        raise SettingsError(
            f"missing settings: {', '.join(missing)} (see README.md, section Settings)"
        )


def _urls(server: MultiSocketServer | BaseWSGIServer) -> list[str]:
    if isinstance(server, MultiSocketServer):
        listening = [(str(host), int(port)) for host, port in server.effective_listen]
    else:
        host, port = server.getsockname()
        listening = [(str(host), int(port))]
    return [f"http://[{h}]:{p}" if ":" in h else f"http://{h}:{p}" for h, p in listening]


def _stop(slack_app: App, jobs: Any, outbox: OutboxWorker, runtime: Runtime) -> None:
    if jobs is not None and jobs.running:
        jobs.shutdown(wait=True)
    # Listeners already running finish (each Web API call has a timeout); queued ones too.
    slack_app.listener_runner.listener_executor.shutdown(wait=True)
    outbox.stop()  # after the listeners: what they wrote is delivered, or stays for next time
    runtime.close()


def _raise_system_exit() -> None:
    raise SystemExit(0)


@contextmanager
def _on_stop_signal(stop: Callable[[], None]) -> Iterator[None]:
    """SIGTERM / SIGINT call `stop` once; signals only reach the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    stopping = threading.Event()

    def handler(signum: int, _frame: FrameType | None) -> None:
        if stopping.is_set():
            return
        stopping.set()
        log.info("received %s", signal.Signals(signum).name)
        stop()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
