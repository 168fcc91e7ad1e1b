"""Fuzzed signed payloads are answered in time and change nothing."""

from __future__ import annotations

import json
import logging
import re
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.e2e.conftest import Bot
from tests.e2e.fuzz_payloads import EXAMPLES, Request, fingerprint, fuzz, state
from tests.e2e.preregister_steps import seed_registrations
from tests.e2e.test_hostile_requests import log_growth


def test_the_generated_payloads_are_the_same_on_every_run() -> None:
    runs: list[list[Request]] = [[], []]
    url = "http://127.0.0.1:9/response"
    for sent in runs:
        fuzz([1, 2, 3], url, sent.append)
    assert len(runs[0]) == EXAMPLES
    assert fingerprint(runs[0], url) == fingerprint(runs[1], url)
    kinds = Counter(kind if kind == "command" else str(body)[:12] for kind, body in runs[0])
    assert kinds["command"] > 0 and len(kinds) > 3  # varied, not one payload repeated


@pytest.fixture
def targets(bot: Bot) -> list[int]:
    """Acme's registrations, which the generated values name."""
    return [r.id for r in seed_registrations(bot, "acme", [1, 3, 20]) if r.id is not None]


def test_fuzzed_signed_payloads_are_answered_in_time_and_change_nothing(
    bot: Bot, targets: list[int], suite_log: Path
) -> None:
    before = state(bot)
    assert [r["id"] for r in before["registrations export"]] == targets  # something to keep
    statuses: Counter[int] = Counter()
    slowest = 0.0
    bad: list[Any] = []
    sent: list[Request] = []
    started = time.monotonic()
    # Only ever the stand-in's address: the bot posts to whatever response_url it is given.
    response_url = bot.driver.response_url("C0GENERAL", "UBETA1")

    def send(request: Request) -> None:
        nonlocal slowest
        kind, content = request
        sent.append(request)
        if kind == "command":
            body = urlencode({**content, "response_url": bot.driver.response_url("C0X", "UX")})
        else:
            body = urlencode({"payload": json.dumps(content)})
        reply = bot.driver.send(body, "application/x-www-form-urlencoded")
        statuses[reply.status] += 1
        slowest = max(slowest, reply.elapsed)
        if reply.status >= 500 or reply.elapsed >= 3:
            bad.append((content, reply))

    with log_growth(suite_log) as grown:
        fuzz(targets, response_url, send)
    failures = Counter(re.findall(r"listener failed: (\S+)", grown["text"]))
    logging.getLogger(__name__).info(  # the figures, for the record (in the suite's log)
        f"fuzzed {len(sent)} payloads (fingerprint {fingerprint(sent, response_url)}) in"
        f" {time.monotonic() - started:.1f} s: statuses {dict(sorted(statuses.items()))},"
        f" slowest {slowest:.2f} s, listener failures {dict(failures)}"
    )
    assert bad == []
    assert failures == Counter()  # Slack refusing a made-up trigger id is answered, not a failure
    assert len(sent) == EXAMPLES  # bounded: exactly this many, every run
    assert state(bot) == before
