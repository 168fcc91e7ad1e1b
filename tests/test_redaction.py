"""Masking in log lines: every kind of email and mobile, tokens; bounded lines; SQL errors
without their parameters."""

from __future__ import annotations

import io
import logging

import pytest
from sqlalchemy import text

from bot.adapters.database import make_engine
from bot.redact import MAX_LINE, redact
from bot.server import log_handler


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("mail jane.doe@example.com now", "mail j***@example.com now"),
        ("jörg.müller@kunde.de", "j***@kunde.de"),
        ("josé@ejemplo.es", "j***@ejemplo.es"),
        ('"jane doe"@example.com', '"***@example.com'),
        ("text=einkauf%40kunde.example.de&x=1", "text=e***@kunde.example.de&x=1"),
        ("<jane+tag@x.de>", "<j***@x.de>"),
        ("call +49 30 1234567 today", "call +49*******67 today"),
        ("mobile=%2B4915123456789", "mobile=%2B49*********89"),
        ("or 0151 23456789.", "or 01********89."),
        ("xoxb-123-abc and xapp-1-A1-xyz", "xoxb-*** and xapp-***"),
    ],
)
def test_personal_data_and_tokens_are_masked(raw: str, masked: str) -> None:
    assert redact(raw) == masked


@pytest.mark.parametrize(
    "kept",
    [
        "<@U0ACME1> and <!here>",
        "ts=1764582000.123456 at 2026-11-25T10:00:00+00:00",
        "registration 42 moved to preregistered after 3 attempts",
    ],
)
def test_what_is_not_personal_is_kept(kept: str) -> None:
    assert redact(kept) == kept


@pytest.mark.parametrize(
    "hostile", ["a" * 200_000 + "@", "@" * 200_000, "a@" * 100_000, "+1" * 100_000]
)
def test_long_hostile_runs_are_read_in_one_pass(hostile: str) -> None:
    """Nothing here backtracks: each anchor reads a bounded stretch (the 1 MB request test
    over HTTP shows the server stays responsive). Masking never lets a local part through."""
    masked = redact(hostile)
    assert "aa@" not in masked
    assert len(masked) <= 2 * len(hostile)


def log_of(message: str, *args: object, exc: BaseException | None = None) -> str:
    stream = io.StringIO()
    logger = logging.getLogger("tests.redaction")
    handler = log_handler(stream)
    logger.addHandler(handler)
    try:
        logger.warning(message, *args, exc_info=exc)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_a_log_line_is_bounded_and_masked_with_its_traceback() -> None:
    try:
        raise ValueError("customer it@kunde.de, +49 30 1234567")
    except ValueError as error:
        line = log_of("body was %s", "x" * 50_000 + " it@kunde.de", exc=error)
    assert line.count("\n") == 1  # one line
    assert len(line) < MAX_LINE + 1000
    assert "more characters cut" in line
    assert "i***@kunde.de" in line and "it@kunde.de" not in line
    assert "1234567" not in line


def test_database_errors_carry_no_parameters(tmp_path: object) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/x.db")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (email TEXT UNIQUE)"))
        connection.execute(text("INSERT INTO t VALUES (:e)"), {"e": "it@kunde.de"})
    with pytest.raises(Exception) as failed, engine.begin() as connection:
        connection.execute(text("INSERT INTO t VALUES (:e)"), {"e": "it@kunde.de"})
    assert "it@kunde.de" not in str(failed.value)
    assert "hidden" in str(failed.value)
    engine.dispose()
