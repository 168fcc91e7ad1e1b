"""prereg serve and prereg socket: the options they pass and the database they start with."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from bot import server
from bot.bootstrap import Runtime
from bot.cli import main

SLACK_HTTP = {
    "SLACK_BOT_TOKEN": "xoxb-test",
    "SLACK_SIGNING_SECRET": "secret",
    "REVIEW_CHANNEL_ID": "C0REVIEW",
    "REVIEWER_USER_IDS": "U0REVIEW",
    "INVITE_SECRET": "invite-secret",
}


# --- serve and socket hand a built runtime to bot.server --------------------------------


@dataclass
class Served:
    calls: list[dict[str, Any]]


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    record = Served([])

    def fake_serve(runtime: Runtime, host: str, port: int, scheduler: bool) -> None:
        record.calls.append(
            {"mode": "http", "host": host, "port": port, "scheduler": scheduler}
            | {"reachable": runtime.database_reachable()}
        )

    def fake_socket(runtime: Runtime, scheduler: bool) -> None:
        record.calls.append(
            {"mode": "socket", "scheduler": scheduler, "reachable": runtime.database_reachable()}
        )

    monkeypatch.setattr(server, "serve", fake_serve)
    monkeypatch.setattr(server, "socket", fake_socket)
    yield record


@pytest.mark.usefixtures("cli_env")
@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["serve"], {"host": "0.0.0.0", "port": 4321, "scheduler": True}),
        (
            ["serve", "--host", "127.0.0.1", "--port", "8080", "--no-scheduler"],
            {"host": "127.0.0.1", "port": 8080, "scheduler": False},
        ),
    ],
)
def test_serve_passes_its_options_and_a_ready_database(
    argv: list[str],
    expected: dict[str, Any],
    served: Served,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in SLACK_HTTP.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("PORT", "4321")

    assert main(argv) == 0

    assert served.calls == [{"mode": "http", "reachable": True, **expected}]


@pytest.mark.usefixtures("cli_env")
def test_socket_runs_with_the_scheduler(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SLACK_HTTP.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SLACK_SIGNING_SECRET")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-test")

    assert main(["socket"]) == 0

    assert served.calls == [{"mode": "socket", "scheduler": True, "reachable": True}]
