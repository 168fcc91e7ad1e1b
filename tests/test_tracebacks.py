"""Tracebacks are formatted one thread at a time and logged as text, never as exc_info."""

from __future__ import annotations

import logging
import traceback
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from bot.scheduler import _guarded
from bot.tracebacks import traceback_text


def failure(depth: int) -> BaseException:
    def dive(n: int) -> None:
        if n == 0:
            raise LookupError(f"nothing at depth {depth}")
        dive(n - 1)

    try:
        dive(depth)
    except LookupError as error:
        return error
    raise AssertionError("unreachable")


def test_the_text_is_pythons_own_traceback() -> None:
    error = failure(3)
    assert traceback_text(error) == "".join(traceback.format_exception(error)).rstrip()
    assert traceback_text(error).endswith("LookupError: nothing at depth 3")


def test_many_threads_formatting_at_once_all_get_their_text() -> None:
    errors = [failure(depth) for depth in range(1, 41)]
    expected = [traceback_text(error) for error in errors]
    with ThreadPoolExecutor(8) as pool:
        for _ in range(5):
            assert list(pool.map(traceback_text, errors)) == expected


class FailingJob:
    id = "sweep"

    def run(self, runtime: Any) -> None:
        raise RuntimeError("the database went away")


def test_a_failed_job_is_logged_with_its_traceback_as_text(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="bot.scheduler"):
        assert _guarded(FailingJob(), None)() is False  # type: ignore[arg-type]
    (record,) = [r for r in caplog.records if r.name == "bot.scheduler"]
    assert record.exc_info is None  # no handler formats it again, in another thread
    assert "periodic job sweep failed" in record.getMessage()
    assert "RuntimeError: the database went away" in record.getMessage()
    assert "Traceback (most recent call last)" in record.getMessage()
