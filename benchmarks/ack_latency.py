"""How fast the bot answers Slack: slash commands and modal submissions, under concurrency.

    .venv/bin/python -m benchmarks.ack_latency [--requests 200] [--concurrency 8]

Runs the real HTTP stack (waitress + Bolt) on a throwaway SQLite database against the
Slack stand-in from tests/, and prints latency percentiles of the HTTP answers. Slack
wants every answer within 3 s; a modal submission's answer carries the decision.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bot.bootstrap import build
from bot.domain.model import Partner
from bot.server import WAITRESS, http_stack, stop
from tests.serving import standin_settings
from tests.slack_driver import SlackDriver
from tests.slack_standin import SlackStandin

SECRET = "benchmark-secret"


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)

    def pick(q: float) -> float:
        return ordered[min(int(q * len(ordered)), len(ordered) - 1)] * 1000

    return (
        f"n={len(ordered)} p50={pick(0.5):.1f} ms p95={pick(0.95):.1f} ms"
        f" p99={pick(0.99):.1f} ms max={ordered[-1] * 1000:.1f} ms"
        f" mean={statistics.mean(ordered) * 1000:.1f} ms"
    )


def measure(requests: int, concurrency: int, send: Callable[[int], float]) -> list[float]:
    with ThreadPoolExecutor(concurrency) as pool:
        return list(pool.map(send, range(requests)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    WAITRESS["asyncore_loop_timeout"] = 0.05
    with tempfile.TemporaryDirectory() as folder, SlackStandin() as slack:
        database_url = f"sqlite:///{Path(folder) / 'bench.db'}"
        settings = standin_settings(
            slack,
            database_url,
            slack_signing_secret=SECRET,
            reviewer_user_ids="UREV1",
            invite_secret="x",
            prereg_quota=100_000,
        )
        runtime = build(settings)
        users = tuple(f"UBENCH{n}" for n in range(args.concurrency))
        with runtime.context.uow() as uow:
            uow.partners.add(
                Partner("bench", "Bench", "DE", email="b@bench.example", slack_user_ids=users),
                runtime.context.now(),
            )
            uow.commit()
        stack = http_stack(runtime, "127.0.0.1", 0)
        threading.Thread(target=stack.server.run, daemon=True).start()
        stack.outbox.start()
        driver = SlackDriver(stack.urls()[0] + "/slack/events", SECRET, standin=slack)

        def command(n: int) -> float:
            return driver.slash_command(users[n % len(users)], "help").elapsed

        def submission(n: int) -> float:
            user = users[n % len(users)]
            view = {
                "id": f"VBENCH{n}",
                "type": "modal",
                "callback_id": "preregister",
                "state": {"values": {}},
            }
            values: dict[str, dict[str, Any]] = {
                "customer_name": {"value": {"type": "plain_text_input", "value": f"Kunde {n}"}},
                "email": {"value": {"type": "email_text_input", "value": f"k{n}@kunde.example"}},
                "country": {"value": {"type": "static_select", "selected_option": {"value": "DE"}}},
            }
            started = time.perf_counter()
            reply = driver.submit_view(user, view=view, values=values)
            assert reply.status == 200 and reply.json["response_action"] == "update", reply.body
            return time.perf_counter() - started

        try:
            print(
                "slash command ack:  ",
                percentiles(measure(args.requests, args.concurrency, command)),
            )
            print(
                "modal submission:   ",
                percentiles(measure(args.requests, args.concurrency, submission)),
            )
        finally:
            stop(stack, runtime)


if __name__ == "__main__":
    main()
