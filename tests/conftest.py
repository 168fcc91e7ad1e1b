"""Shared fixtures: every database test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import ast
import logging
import os
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, text

from bot.adapters.waiting import patient
from bot.bootstrap import Runtime, build
from bot.server import log_handler
from bot.services.context import Context
from bot.settings import Settings
from tests.schema_template import migrated
from tests.slack_standin import SlackStandin

# Fixtures that the modules of one subject share, kept beside their helpers.
pytest_plugins = [
    "tests.delivery_steps",
    "tests.invitation_steps",
    "tests.server_steps",
    "tests.reminder_steps",
    "tests.scheduler_steps",
    "tests.standin_steps",
    "tests.partner_link_steps",
]

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")
_SKIPS: Counter[str] = Counter()
POSTGRES_REQUIRED = os.environ.get("PREREG_REQUIRE_POSTGRES") == "1"
LAST = "test_no_log_line_carries_personal_data"  # tests/test_log_privacy.py reads every log

# Property tests draw the same examples on every run and machine: CI stays stable, and a
# failure seen once is seen again (its seed is the test's name, not a database of past runs).
hypothesis_settings.register_profile("prereg", derandomize=True, database=None, print_blob=True)
hypothesis_settings.load_profile("prereg")


# pytest formats a failure (and Python 3.11 a traceback, for its ^ carets) with ast.parse,
# whose recursion counter all threads share: while the bot's threads run in this process,
# two parses at once can fail with "AST constructor recursion depth mismatch" (CPython
# gh-106905) and abort the run. The bot formats its own tracebacks one at a time
# (bot.tracebacks); here every parse of the test process takes its turn too.
_PARSING = threading.RLock()
_parse = ast.parse


def _parse_in_turn(*args: Any, **kwargs: Any) -> Any:
    with _PARSING:
        return _parse(*args, **kwargs)


setattr(ast, "parse", _parse_in_turn)  # noqa: B010 - set, not assigned: mypy keeps its type


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The log check runs last, when every other test has written its logs."""
    items.sort(key=lambda item: item.name == LAST)


@pytest.fixture(scope="session", autouse=True)
def suite_log(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every log record of the suite, through the handler `prereg serve` uses, into one file
    (servers run as subprocesses write theirs beside it, under the same base folder)."""
    path = tmp_path_factory.getbasetemp() / "suite.log"
    root = logging.getLogger()
    level = root.level
    with path.open("a", encoding="utf-8") as stream:
        handler = log_handler(stream)
        root.addHandler(handler)
        root.setLevel(logging.INFO)
        try:
            yield path
        finally:
            root.removeHandler(handler)
            root.setLevel(level)


class Clock:
    """A clock the test moves by hand: no sleeps, no flakes."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> datetime:
        self.now += delta
        return self.now


def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def missing(reason: str, *, required: bool) -> NoReturn:
    """Something the test needs is not on this machine: a skip that says why, or a failure
    where the run requires it (CI)."""
    if required:
        pytest.fail(reason)
    pytest.skip(reason)


def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'prereg.db'}"


def postgres_url() -> str:
    """The suite's PostgreSQL (TEST_POSTGRES_URL), its schema emptied."""
    if not POSTGRES_URL:
        missing(
            "PostgreSQL not available: set TEST_POSTGRES_URL (.ci/run does)",
            required=POSTGRES_REQUIRED,
        )
    reset_postgres(POSTGRES_URL)
    return POSTGRES_URL


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return sqlite_url(tmp_path) if request.param == "sqlite" else postgres_url()


@pytest.fixture
def slack() -> Iterator[SlackStandin]:
    """The Slack Web API stand-in, on loopback (tests/slack_standin)."""
    with SlackStandin() as standin:
        yield standin


@pytest.fixture
def clock() -> Clock:
    # A Wednesday, so that two working days stay inside the week.
    return Clock(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(_env_file=None, database_url=database_url)


@pytest.fixture
def runtime(settings: Settings, clock: Clock) -> Iterator[Runtime]:
    migrated(settings.database_url)
    built = build(settings, clock=clock)
    with patient():  # the test's own thread may wait for threads it started (see e2e's bot)
        yield built
    built.close()


@pytest.fixture
def context(runtime: Runtime) -> Context:
    return runtime.context


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, settings: Settings) -> None:
    """main() reads the environment and `.env` in the working directory: only ours, no Slack."""
    monkeypatch.chdir(tmp_path)
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("DATABASE_URL", settings.database_url)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and isinstance(report.longrepr, tuple):
        _SKIPS[str(report.longrepr[2]).removeprefix("Skipped: ")] += 1


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line per reason a test was skipped, however many tests it kept from running."""
    for reason, count in sorted(_SKIPS.items()):
        terminalreporter.write_line(f"SKIPPED {count} test(s): {reason}", yellow=True)
