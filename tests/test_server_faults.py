"""The server when things go wrong: an unreachable database, a failing command or job, missing
settings."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.adapters.database import is_reachable, make_engine
from bot.bootstrap import Runtime
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
from tests.server_steps import free_port, until
from tests.serving import PROXIES, SIGNING_SECRET, standin_settings
from tests.slack_driver import SlackDriver
from tests.slack_standin import PATIENT_TRIGGER_TTL, SlackStandin


@pytest.fixture(scope="module")
def slack() -> Iterator[SlackStandin]:
    with SlackStandin(trigger_ttl=PATIENT_TRIGGER_TTL) as standin:
        yield standin


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
