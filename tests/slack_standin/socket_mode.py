"""Slack's Socket Mode end on loopback: the WebSocket URL that `apps.connections.open` hands
out, speaking Slack's envelope protocol (a "hello" on connect, envelopes out, acks back).

A real WebSocket server (the `websockets` library): the bot's slack_sdk client does its own
handshake, framing and pings against it as it would against wss-primary.slack.com.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

from tests.slack_standin.calls import PATIENCE

APP_TOKEN = "xapp-1-A0STANDIN-0000-standin"


class SocketModeEnd:
    """The server side of the app's Socket Mode connections."""

    def __init__(self, server: Server) -> None:
        self._server = server
        host, port = server.socket.getsockname()[:2]
        self.url = f"ws://{host}:{port}/link/?ticket=standin"
        self._changed = threading.Condition()
        self._open: list[ServerConnection] = []
        self.connections = 0
        """Connections the app has made so far (a client that crashed would reconnect)."""
        self.received: list[Any] = []
        """What the app sent back, decoded (an ack names its envelope_id)."""

    def serve(self, connection: ServerConnection) -> None:
        with self._changed:
            self._open.append(connection)
            self.connections += 1
            self._changed.notify_all()
        connection.send(json.dumps({"type": "hello", "num_connections": 1}))
        try:
            for message in connection:
                with self._changed:
                    self.received.append(json.loads(message))
                    self._changed.notify_all()
        except ConnectionClosed:
            pass
        finally:
            with self._changed:
                self._open.remove(connection)
                self._changed.notify_all()

    def wait_connected(self, timeout: float = PATIENCE) -> None:
        self._wait(lambda: bool(self._open), timeout, "the app did not connect")

    def send_raw(self, frame: str) -> None:
        """One text frame to the app's current connection, exactly as given."""
        with self._changed:
            connection = self._open[-1]
        connection.send(frame)

    def send(self, envelope_type: str, payload: Any, envelope_id: str) -> None:
        envelope = {
            "envelope_id": envelope_id,
            "type": envelope_type,
            "payload": payload,
            "accepts_response_payload": envelope_type != "events_api",
            "retry_attempt": 0,
            "retry_reason": "",
        }
        self.send_raw(json.dumps(envelope))

    def ack(self, envelope_id: str, timeout: float = PATIENCE) -> dict[str, Any]:
        """The app's acknowledgement of one envelope (waited for)."""
        self._wait(lambda: bool(self.acks(envelope_id)), timeout, f"no ack of {envelope_id}")
        (answer,) = self.acks(envelope_id)
        return answer

    def acks(self, envelope_id: str) -> list[dict[str, Any]]:
        with self._changed:
            return [
                m
                for m in self.received
                if isinstance(m, dict) and m.get("envelope_id") == envelope_id
            ]

    def _wait(self, ready: Any, timeout: float, why: str) -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not ready():
                left = deadline - time.monotonic()
                assert left > 0, why
                self._changed.wait(left)


@contextmanager
def socket_mode_end() -> Iterator[SocketModeEnd]:
    holder: list[SocketModeEnd] = []
    # No pings from this end: slack_sdk's client pings, and the library answers them.
    server = serve(lambda c: holder[0].serve(c), "127.0.0.1", 0, ping_interval=None)
    end = SocketModeEnd(server)
    holder.append(end)
    thread = threading.Thread(target=server.serve_forever, name="socket-mode-end", daemon=True)
    thread.start()
    try:
        yield end
    finally:
        server.shutdown()
        thread.join(10)
