"""`prereg serve` for real: a subprocess behind waitress, Slack played by the stand-in and driver.

Also, in-process: /healthz without a database, the error handler's apology, the scheduler.
"""

from __future__ import annotations

import json
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_sdk.models.views import View

from bot.adapters.database import is_reachable, make_engine
from bot.bootstrap import Runtime, build
from bot.domain.model import Customer, Status
from bot.redact import redact
from bot.scheduler import JOBS, Job, build_scheduler
from bot.services import registrations as uc
from bot.services.partners import AddPartner, add_partner
from bot.settings import Settings, SettingsError
from bot.slack_app import build_slack_app
from bot.slack_errors import APOLOGY
from bot.web import create_web_app
from tests.conftest import Clock
from tests.serving import PROXIES, SIGNING_SECRET, server_env, standin_settings
from tests.slack_driver import SlackDriver
from tests.slack_standin import PATIENCE, PATIENT_TRIGGER_TTL, SlackStandin

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
def slack() -> Iterator[SlackStandin]:
    with SlackStandin(trigger_ttl=PATIENT_TRIGGER_TTL) as standin:
        yield standin


@pytest.fixture(scope="module")
def served(slack: SlackStandin, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    server = start_server(slack, tmp_path_factory.mktemp("serve"))
    yield server
    stop_server(server)


@pytest.fixture
def driver(served: Served, slack: SlackStandin) -> SlackDriver:
    return SlackDriver(served.url + "/slack/events", SIGNING_SECRET, standin=slack)


def published_for(user: str) -> Callable[[Any], bool]:
    return lambda call: call.args.get("user_id") == user


def shown_to(user: str) -> Callable[[Any], bool]:
    """A publish Slack took: one refused as older than a refresh (hash_conflict) is redone."""
    return lambda call: call.args.get("user_id") == user and call.ok


# --- the real server ----------------------------------------------------------------------


def test_health_is_served_by_waitress(served: Served) -> None:
    status, headers, body = get(served.url + "/healthz")
    assert status == 200
    assert json.loads(body) == {"status": "ok"}
    assert headers["Server"] == "waitress"
    assert f"prereg serving on {served.url}" in served.log_text()


def test_token_was_verified_at_start_with_auth_test(served: Served, slack: SlackStandin) -> None:
    call = slack.wait_for("auth.test")
    assert call.ok
    assert call.headers["authorization"] == f"Bearer {slack.token}"


@pytest.mark.parametrize("signature", ["bad", "stale", "missing"])
def test_unsigned_requests_are_refused_and_do_nothing(
    driver: SlackDriver, slack: SlackStandin, signature: Any
) -> None:
    # The seeded customer's DM goes out at start; only what follows the mark is counted.
    slack.wait_for("chat.postMessage")
    mark = slack.mark()
    refused = driver.app_home_opened("U0INTRUDER", signature=signature)
    assert refused.status == 401
    # A signed request after it: once its work reached Slack, the refused one had its chance.
    assert driver.app_home_opened(PARTNER_USER).status == 200
    slack.wait_for("views.publish", shown_to(PARTNER_USER), after=mark)
    assert slack.calls(after=mark) == slack.calls("views.publish", after=mark)
    assert not slack.calls("views.publish", published_for("U0INTRUDER"), after=mark)


def test_home_tab_shows_the_companys_quota_and_customers(
    driver: SlackDriver, slack: SlackStandin
) -> None:
    mark = slack.mark()
    reply = driver.app_home_opened(PARTNER_USER)
    assert reply.status == 200
    call = slack.wait_for("views.publish", shown_to(PARTNER_USER), after=mark)
    view = slack.home_view(PARTNER_USER)
    assert view is not None
    sent = call.args["view"]
    assert View(**sent).to_dict() == sent  # nothing slack_sdk would drop or misread
    shown = json.dumps(sent)
    assert "Pre-register customer" in shown
    assert "1 of 100 active" in shown
    headers = [b["text"] for b in sent["blocks"] if b["type"] == "header"]
    assert ("plain_text", "Acme <Cloud> & Co") in [(h["type"], h["text"]) for h in headers]
    names = [b["text"] for b in sent["blocks"] if b["type"] == "section" and "text" in b]
    marked = "".join(n["text"] for n in names if n["type"] == "mrkdwn")
    assert "Kunde &lt;!channel&gt; GmbH" in marked
    assert "<!channel>" not in marked
    slack.assert_clean()


def test_home_tab_tells_an_unlinked_user_whom_to_ask(
    driver: SlackDriver, slack: SlackStandin
) -> None:
    mark = slack.mark()
    assert driver.app_home_opened("U0STRANGER").status == 200
    call = slack.wait_for("views.publish", shown_to("U0STRANGER"), after=mark)
    assert "not linked to a partner company" in json.dumps(call.args["view"])
    assert "`U0STRANGER`" in json.dumps(call.args["view"])


def test_messages_tab_publishes_nothing(driver: SlackDriver, slack: SlackStandin) -> None:
    mark = slack.mark()
    assert driver.app_home_opened("U0MESSAGES", tab="messages").status == 200
    assert driver.app_home_opened(PARTNER_USER).status == 200
    slack.wait_for("views.publish", shown_to(PARTNER_USER), after=mark)
    assert not slack.calls("views.publish", published_for("U0MESSAGES"), after=mark)


def test_url_verification_challenge_is_answered(driver: SlackDriver) -> None:
    reply = driver.url_verification("challenge-42")
    assert reply.status == 200
    assert reply.json == {"challenge": "challenge-42"}


def test_a_failing_listener_is_logged_redacted(
    driver: SlackDriver, slack: SlackStandin, served: Served
) -> None:
    slack.fail_next("views.publish", error="not_authed")
    assert driver.app_home_opened(PARTNER_USER).status == 200  # acked before the listener ran
    until(lambda: "listener failed" in served.log_text(), 5, "the error to be logged")
    line = next(x for x in served.log_text().splitlines() if "listener failed" in x)
    assert "event=app_home_opened" in line
    assert f"user={PARTNER_USER}" in line
    assert "not_authed" in line
    assert slack.token not in served.log_text()


def test_sigterm_stops_the_server_cleanly(slack: SlackStandin, tmp_path: Path) -> None:
    server = start_server(slack, tmp_path, scheduler=True)
    # It exits by itself, with 0 (a process that had to be killed fails here).
    assert stop_server(server, timeout=PATIENCE) == 0
    text = server.log_text()
    assert "received SIGTERM" in text
    assert "prereg stopped" in text
    assert "scheduler on" in text
    assert "Traceback" not in text


# --- in process -----------------------------------------------------------------------------


def slack_settings(slack: SlackStandin, database_url: str) -> Settings:
    return standin_settings(slack, database_url)


def test_health_is_503_when_the_database_is_unreachable(
    slack: SlackStandin, runtime: Runtime
) -> None:
    settings = slack_settings(slack, runtime.settings.database_url)
    app = build_slack_app(settings, runtime.context, token_verification=False)
    nowhere = make_engine(f"postgresql+psycopg://prereg@127.0.0.1:{free_port()}/prereg")
    web = create_web_app(app, health=lambda: is_reachable(nowhere)).test_client()
    answer = web.get("/healthz")
    assert (answer.status_code, answer.json) == (503, {"status": "unavailable"})

    def broken() -> bool:
        raise RuntimeError("boom")

    answer = create_web_app(app, health=broken).test_client().get("/healthz")
    assert (answer.status_code, answer.json) == (503, {"status": "unavailable"})
    nowhere.dispose()


def test_a_failing_command_apologises_ephemerally(
    slack: SlackStandin, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    for proxy in PROXIES | {p.lower() for p in PROXIES}:
        monkeypatch.delenv(proxy, raising=False)  # the stand-in is on loopback
    settings = slack_settings(slack, runtime.settings.database_url)
    app = build_slack_app(settings, runtime.context, token_verification=False)

    injected: dict[str, Any] = {}
    clicker = f"U0{secrets.token_hex(4).upper()}"  # the stand-in lives for the whole module

    @app.command("/explode")
    def explode(ack: Any, services: Any, review_channel_id: Any, reviewer_user_ids: Any) -> None:
        ack()
        injected.update(services=services, channel=review_channel_id, reviewers=reviewer_user_ids)
        raise RuntimeError("customer jane.doe@example.com broke it with xoxb-1-secret")

    web = create_web_app(app, health=lambda: True).test_client()
    driver = SlackDriver("http://unused", SIGNING_SECRET, standin=slack)
    body = urlencode(
        {
            "command": "/explode",
            "text": "",
            "user_id": clicker,
            "channel_id": "C0GENERAL",
            "team_id": "T0STANDIN",
            "response_url": slack.response_url("C0GENERAL", clicker),
            "trigger_id": "1.2.3",
        }
    )
    timestamp = int(time.time())
    headers = {
        "X-Slack-Request-Timestamp": str(timestamp),
        "X-Slack-Signature": driver.sign(body.encode(), timestamp),
        "Content-Type": "application/x-www-form-urlencoded",
    }
    mark = slack.mark()
    assert web.post("/slack/events", data=body, headers=headers).status_code == 200
    slack.wait_for("response_url", after=mark)
    assert [e["text"] for e in slack.ephemerals(clicker)] == [APOLOGY]
    assert injected == {
        "services": runtime.context,
        "channel": "C0REVIEW",
        "reviewers": ("U0REVIEWER1",),
    }


def test_http_mode_needs_the_signing_secret_socket_mode_does_not(
    slack: SlackStandin, runtime: Runtime
) -> None:
    settings = slack_settings(slack, runtime.settings.database_url)
    unsigned = settings.model_copy(update={"slack_signing_secret": None})
    with pytest.raises(SettingsError, match="SLACK_SIGNING_SECRET"):
        build_slack_app(unsigned, runtime.context, token_verification=False)
    app = build_slack_app(unsigned, runtime.context, socket_mode=True, token_verification=False)
    assert app.client.base_url == slack.url


def test_redaction_masks_emails_and_tokens() -> None:
    text = redact("jane.doe@example.com said xoxb-123-abc and xapp-1-A1-xyz; a@b.co")
    assert text == "j***@example.com said xoxb-*** and xapp-***; a***@b.co"


def test_scheduler_expires_due_registrations_at_start(runtime: Runtime, clock: Clock) -> None:
    context = runtime.context
    add_partner(AddPartner("acme", "Acme", "DE", "x@acme.de", None, ("UACME1",)), context)
    who = Customer("Kunde", "DE", email="it@kunde.de")
    done = uc.preregister(uc.Preregister("UACME1", who), context)
    assert done.registration is not None and done.registration.id is not None
    held_id = done.registration.id
    clock.advance(context.policy.validity + timedelta(seconds=1))

    def status() -> Status:
        with context.uow() as uow:
            found = uow.registrations.get(held_id)
            assert found is not None
            return found.status

    scheduler = build_scheduler(runtime)
    assert [job.id for job in scheduler.get_jobs()] == [job.id for job in JOBS]
    scheduler.start()
    try:
        until(lambda: status() is Status.EXPIRED, 5, "the registration to expire")
    finally:
        scheduler.shutdown()


def test_a_failing_job_does_not_stop_the_scheduler(runtime: Runtime) -> None:
    runs: list[str] = []
    lock = threading.Lock()

    def flaky(_: Runtime) -> None:
        with lock:
            runs.append("flaky")
        raise RuntimeError("the job failed")

    def steady(_: Runtime) -> None:
        with lock:
            runs.append("steady")

    jobs = (
        Job("flaky", timedelta(seconds=0.05), flaky),
        Job("steady", timedelta(seconds=0.05), steady),
    )
    scheduler = build_scheduler(runtime, jobs)
    scheduler.start()
    try:
        until(lambda: runs.count("flaky") >= 2 and runs.count("steady") >= 2, 5, "repeated runs")
        assert scheduler.running
    finally:
        scheduler.shutdown()
