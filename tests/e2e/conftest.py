"""The whole bot over real HTTP (waitress, Bolt, signing) against the Slack stand-in.

Each test gets a fresh database (SQLite and PostgreSQL), a clock it moves by hand, the
stand-in playing Slack's Web API, and a driver playing Slack towards the bot.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.orm import Session

from bot import server as bot_server
from bot.adapters.waiting import patient
from bot.bootstrap import Runtime, build
from bot.domain.model import Partner
from bot.server import HttpStack, http_stack, stop
from bot.services.context import Context
from bot.settings import Settings
from tests.conftest import Clock
from tests.schema_template import migrated
from tests.slack_driver import SlackDriver
from tests.slack_standin import PATIENCE, PATIENT_TRIGGER_TTL, SlackStandin
from tests.smtp_catcher import Catcher, smtp_catcher

SECRET = "e2e-signing-secret"
REVIEW_CHANNEL = "C0REVIEW"
REVIEWERS = ("UREV1", "UREV2", "UACME2")  # UACME2 also works for Acme: may not decide its cases

ACME = Partner(
    "acme",
    "Acme Cloud Partners",
    "DE",
    email="sales@acme.example",
    slack_user_ids=("UACME1", "UACME2"),
)
BETA = Partner("beta", "Beta Systems", "DE", mobile="+4930999999", slack_user_ids=("UBETA1",))
MUTE = Partner("mute", "Mute & Co", "FR", slack_user_ids=("UMUTE1",))


@dataclass
class Bot:
    """The running bot and the two sides of Slack around it."""

    runtime: Runtime
    stack: HttpStack
    slack: SlackStandin
    driver: SlackDriver
    clock: Clock

    @property
    def context(self) -> Context:
        return self.runtime.context

    def reading(self) -> Session:
        """A plain reader for the test's own looks at the tables: it takes no write turn from
        the bot (SQLite's BEGIN IMMEDIATE), so polling it never starves the bot's threads."""
        return Session(self.runtime.engine.execution_options(prereg_read_only=True))

    def modal(self, user: str) -> dict[str, Any]:
        view = self.slack.current_modal(user)
        assert view is not None, f"no modal open for {user}"
        return view

    def text_of(self, view_or_message: dict[str, Any]) -> str:
        """All visible text, to assert on what a person reads."""
        return (
            _texts(view_or_message.get("blocks") or []) + " " + str(view_or_message.get("text", ""))
        )

    def wait_until(self, condition: Callable[[], bool], timeout: float = PATIENCE) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < deadline, "condition not met in time"
            time.sleep(0.02)


def _texts(node: Any) -> str:
    if isinstance(node, dict):
        text = node.get("text")
        own = text if isinstance(text, str) else ""
        return " ".join([own] + [_texts(v) for k, v in node.items() if k != "text" or not own])
    if isinstance(node, list):
        return " ".join(_texts(item) for item in node)
    return ""


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Remember whether the test itself failed (the browser fixture then saves a screenshot)."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.when == "call":
        # An attribute, not a stash key: this module may be imported under two names.
        setattr(item, CALL_FAILED, report.failed)


CALL_FAILED = "prereg_call_failed"


@pytest.fixture(autouse=True)
def _quick_server_shutdown(monkeypatch: pytest.MonkeyPatch) -> None:
    """waitress notices that it was closed only when its poll loop times out (1 s by
    default), which made each test's teardown last up to a second."""
    monkeypatch.setitem(bot_server.WAITRESS, "asyncore_loop_timeout", 0.05)


# Bolt gives up on a listener that has not acked within 3 s (Slack's budget) and answers 404.
# How soon the bot acks is the benchmark's to measure (benchmarks/http_paths.py); here a busy
# test machine must not turn a slow ack into a failed test. Answers within 3 s are asserted
# where they are the point (hostile and forged requests, the fuzz, a full listener pool).
PATIENT_ACK_SECONDS = 30


@pytest.fixture
def slack() -> Iterator[SlackStandin]:
    """The stand-in serving the whole bot: a trigger_id lives longer (PATIENT_TRIGGER_TTL)."""
    with SlackStandin(trigger_ttl=PATIENT_TRIGGER_TTL) as standin:
        yield standin


@pytest.fixture
def smtp() -> Iterator[tuple[Catcher, str]]:
    """A real SMTP server on loopback: the mail it caught, and its URL (for SMTP_URL)."""
    with smtp_catcher() as caught:
        yield caught


@pytest.fixture
def bot_settings() -> dict[str, Any]:
    """Settings a test module adds (e.g. SMTP_URL): override this fixture there."""
    return {}


@pytest.fixture
def bot(
    database_url: str, clock: Clock, slack: SlackStandin, bot_settings: dict[str, Any]
) -> Iterator[Bot]:
    settings = Settings(
        _env_file=None,
        database_url=database_url,
        slack_bot_token=slack.token,
        slack_signing_secret=SECRET,
        slack_api_url=slack.url,
        review_channel_id=REVIEW_CHANNEL,
        reviewer_user_ids=",".join(REVIEWERS),
        invite_secret="e2e-invite-secret",
        prereg_quota=3,
        **bot_settings,
    )
    migrated(database_url)
    runtime = build(settings, clock=clock)
    with runtime.context.uow() as uow:
        for partner in (ACME, BETA, MUTE):
            uow.partners.add(partner, clock.now)
        uow.commit()
    stack = http_stack(runtime, "127.0.0.1", 0)
    for listener in stack.slack_app._listeners:
        listener.ack_timeout = PATIENT_ACK_SECONDS
    serving = threading.Thread(target=stack.server.run, name="waitress", daemon=True)
    serving.start()
    stack.outbox.start()
    url = stack.urls()[0] + "/slack/events"
    try:
        # The test's own steps (seeding, direct use cases) answer no one within 3 s: on a
        # loaded machine they wait for the bot's threads rather than fail as ServiceBusy.
        # The bot's listeners keep Slack's budget; patience is per thread.
        with patient():
            yield Bot(runtime, stack, slack, SlackDriver(url, SECRET, standin=slack), clock)
    finally:
        stop(stack, runtime)
        serving.join(5)
