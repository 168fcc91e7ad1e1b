"""What the server tests share: a real prereg serve process, its port and its health."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.bootstrap import build
from bot.domain.model import Customer
from bot.services import registrations as uc
from bot.services.partners import AddPartner, add_partner
from bot.settings import Settings
from tests.serving import SIGNING_SECRET, server_env
from tests.slack_driver import SlackDriver
from tests.slack_standin import SlackStandin

PREREG = Path(sys.executable).with_name("prereg")
PARTNER_USER = "U0ACMESALES"
STARTUP_DEADLINE = 20.0
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with _OPENER.open(url, timeout=5) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.02)


def seed(database_url: str) -> None:
    """A partner company linked to PARTNER_USER, holding one pre-registered customer."""
    runtime = build(Settings(_env_file=None, database_url=database_url))
    context = runtime.context
    acme = AddPartner("acme", "Acme <Cloud> & Co", "DE", "x@acme.de", None, (PARTNER_USER,))
    add_partner(acme, context)
    who = Customer("Kunde <!channel> GmbH", "DE", email="it@kunde.de")
    uc.preregister(uc.Preregister(PARTNER_USER, who), context)
    runtime.close()


def start_server(slack: SlackStandin, workdir: Path, *, scheduler: bool = False) -> Served:
    database_url = f"sqlite:///{workdir / 'prereg.db'}"
    seed(database_url)
    port = free_port()
    env = server_env(slack, database_url, reviewers="U0REVIEWER1,U0REVIEWER2")
    env["PORT"] = "1"  # never used: --port wins
    command = [str(PREREG), "serve", "--host", "127.0.0.1", "--port", str(port)]
    if not scheduler:
        command.append("--no-scheduler")
    log = workdir / "server.log"
    with log.open("wb") as sink:  # the child keeps its own descriptor
        process = subprocess.Popen(
            command, cwd=workdir, env=env, stdout=sink, stderr=subprocess.STDOUT
        )
    served = Served(process, f"http://127.0.0.1:{port}", log)

    def healthy() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"server exited {process.returncode}:\n{served.log_text()}")
        try:
            return get(served.url + "/healthz")[0] == 200
        except OSError:
            return False

    until(healthy, STARTUP_DEADLINE, "/healthz to answer 200")
    return served


def stop_server(served: Served, timeout: float = 10.0) -> int:
    if served.process.poll() is None:
        served.process.send_signal(signal.SIGTERM)
        try:
            return served.process.wait(timeout)
        except subprocess.TimeoutExpired:
            served.process.kill()
            served.process.wait()
            raise
    return served.process.returncode


@pytest.fixture(scope="module")
def served(slack: SlackStandin, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    server = start_server(slack, tmp_path_factory.mktemp("serve"))
    yield server
    stop_server(server)


@pytest.fixture
def driver(served: Served, slack: SlackStandin) -> SlackDriver:
    return SlackDriver(served.url + "/slack/events", SIGNING_SECRET, standin=slack)
