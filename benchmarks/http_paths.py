"""The interactive paths under load, against a bare Bolt app as the floor.

    .venv/bin/python -m benchmarks.http_paths [--scale small|full] [--postgres URL]

The real server (benchmarks.http_serve: bot.server.http_stack) on SQLite and, given a URL
(its schema is dropped), on PostgreSQL, and a bare Bolt app on the same waitress settings
whose listeners only ack, each in a process of its own; this process holds the Slack
stand-in and drives 16 concurrent clients with requests signed as Slack signs them, for a
fixed time per path. Per path: req/s, latency percentiles, errors, p99 over the floor's,
and the time from each request to the Slack call it causes, as the stand-in saw it.
Writes benchmarks/results/http_paths.md and .json and prints the table.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from itertools import count
from pathlib import Path
from typing import Any

from benchmarks.data_paths import RESULTS, fresh, machine
from benchmarks.http_serve import SECRET
from benchmarks.http_steps import MISSING, Driver, Sample, Step, Steps
from tests.slack_standin import SlackStandin

CLIENTS = 16
FLOOR = "floor (bare Bolt)"
REPLICA_PATHS = {"slash command", "eligible submission", "App Home opened"}
SECONDS = {"small": 10.0, "full": 60.0}


class Target:
    """One server process and a driver per client."""

    def __init__(self, slack: SlackStandin, args: list[str]) -> None:
        command = [sys.executable, "-m", "benchmarks.http_serve", "--slack", slack.url, *args]
        # e.g. BENCH_SERVE_WRAP="py-spy record --idle -f raw -o /tmp/serve.txt --": a profile
        # of the server under the benchmark's load.
        command = os.environ.get("BENCH_SERVE_WRAP", "").split() + command
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        port = int(self.process.stdout.readline())
        self.url = f"http://127.0.0.1:{port}/slack/events"
        self.drivers = [Driver(self.url, SECRET, standin=slack) for _ in range(CLIENTS)]

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=60)


class Replicas:
    """Several server processes on one database, the clients dealt out among them in turn.
    Started one after the other: each sets up the companies if they are not there yet."""

    def __init__(self, slack: SlackStandin, args: list[str], count: int) -> None:
        self.targets = [Target(slack, args) for _ in range(count)]
        self.drivers = [self.targets[n % count].drivers[n] for n in range(CLIENTS)]

    def close(self) -> None:
        for target in self.targets:
            target.close()


def run_path(seconds: float, step: Step) -> list[Sample]:
    samples: list[Sample] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(n: int) -> None:
        for i in count():
            if time.monotonic() >= deadline:
                return
            try:
                sample = step(n, i)
            except Exception:
                sample = (0.0, False, None)
            if sample is None:
                return
            with lock:
                samples.append(sample)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples


def figures(samples: list[Sample], seconds: float) -> dict[str, Any]:
    ok = sorted(s[0] for s in samples if s[1])
    after = sorted(s[2] for s in samples if s[2] is not None and s[2] != MISSING)
    missing = sum(1 for s in samples if s[2] == MISSING)

    def pick(values: list[float], q: float) -> float | None:
        return (
            round(values[min(int(q * len(values)), len(values) - 1)] * 1000, 1) if values else None
        )

    return {
        "requests": len(samples),
        "req_per_s": round(len(ok) / seconds, 1),
        "p50_ms": pick(ok, 0.5),
        "p95_ms": pick(ok, 0.95),
        "p99_ms": pick(ok, 0.99),
        "max_ms": pick(ok, 1.0),
        "errors": len(samples) - len(ok),
        "slack_call_p50_ms": pick(after, 0.5),
        "slack_call_p99_ms": pick(after, 0.99),
        "slack_call_max_ms": pick(after, 1.0),
        "slack_call_missing": missing,
    }


def measure(
    slack: SlackStandin,
    args: list[str],
    seconds: float,
    floor: bool,
    only: set[str] | None,
    companies: int,
    replicas: int = 1,
) -> dict[str, Any]:
    target = Replicas(slack, args, replicas)
    steps = Steps(slack, target.drivers, floor, companies)
    try:
        return {
            name: figures(run_path(seconds, step), seconds)
            for name, step in steps.paths().items()
            if only is None or name in only
        }
    finally:
        target.close()


def table(results: dict[str, dict[str, Any]]) -> str:
    floor = results.get(FLOOR, {})
    lines = [
        "| server | path | req/s | p50 ms | p95 ms | p99 ms | max ms | errors | p99 × floor"
        " | Slack call p50 / p99 / max ms (missing) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for server, found in results.items():
        for path, f in found.items():
            if not f["requests"]:
                continue  # not served there (the floor has no invitation pages)
            base = floor.get(path, {}).get("p99_ms")
            ratio = f"{f['p99_ms'] / base:.1f}" if f["p99_ms"] and base else ""
            call = (
                f"{f['slack_call_p50_ms']} / {f['slack_call_p99_ms']}"
                f" / {f['slack_call_max_ms']} ({f['slack_call_missing']})"
                if f["slack_call_p50_ms"] is not None
                else (
                    f"none within 5 s ({f['slack_call_missing']})"
                    if f["slack_call_missing"]
                    else ""
                )
            )
            lines.append(
                f"| {server} | {path} | {f['req_per_s']} | {f['p50_ms']} | {f['p95_ms']}"
                f" | {f['p99_ms']} | {f['max_ms']} | {f['errors']} | {ratio} | {call} |"
            )
    return "\n".join(lines)


def scaling(results: dict[str, dict[str, Any]], replicas: int) -> str:
    """Throughput of the replicas over one server's, path by path."""
    one = results.get("prereg, PostgreSQL", {})
    many = results.get(f"prereg, PostgreSQL, {replicas} replicas", {})
    ratios = [
        f"{path} ×{many[path]['req_per_s'] / one[path]['req_per_s']:.2f}"
        for path in many
        if path in one and one[path]["req_per_s"]
    ]
    if not ratios:
        return ""
    return (
        f"\n{replicas} replicas on one PostgreSQL, req/s over one server's: {', '.join(ratios)}\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=sorted(SECONDS), default="small")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL"))
    parser.add_argument("--paths", help="comma-separated path names (default: all)")
    parser.add_argument("--seconds", type=float, help="a path's time (default: by scale)")
    parser.add_argument("--servers", default="floor,sqlite,postgres")
    parser.add_argument(
        "--companies", type=int, default=8, help="the clients' companies (1: all in one)"
    )
    parser.add_argument(
        "--replicas", type=int, default=2, help="then PostgreSQL again with this many servers"
    )
    args = parser.parse_args()
    seconds = args.seconds or SECONDS[args.scale]
    only = set(args.paths.split(",")) if args.paths else None
    servers = set(args.servers.split(","))
    results: dict[str, dict[str, Any]] = {}
    started_load = machine()
    with tempfile.TemporaryDirectory() as folder, SlackStandin() as slack:
        if "floor" in servers:
            results[FLOOR] = measure(slack, ["--floor"], seconds, True, only, args.companies)
        if "sqlite" in servers:
            sqlite = f"sqlite:///{Path(folder) / 'http.db'}"
            fresh(sqlite)
            lite = ["--database", sqlite, "--companies", str(args.companies)]
            results["prereg, SQLite"] = measure(slack, lite, seconds, False, only, args.companies)
        if args.postgres and "postgres" in servers:
            fresh(args.postgres)
            pg = ["--database", args.postgres, "--companies", str(args.companies)]
            results["prereg, PostgreSQL"] = measure(slack, pg, seconds, False, only, args.companies)
            if args.replicas > 1:
                fresh(args.postgres)
                scaled = REPLICA_PATHS & only if only else REPLICA_PATHS
                results[f"prereg, PostgreSQL, {args.replicas} replicas"] = measure(
                    slack, pg, seconds, False, scaled, args.companies, args.replicas
                )
    RESULTS.mkdir(exist_ok=True)
    when = datetime.now(UTC).isoformat(timespec="seconds")
    header = (
        f"{args.scale} scale ({seconds:.0f} s a path, {CLIENTS} clients in"
        f" {args.companies} companies), {when};"
        f" at start: {started_load}; at end: {machine()}"
    )
    markdown = f"{header}\n\n{table(results)}\n{scaling(results, args.replicas)}"
    (RESULTS / "http_paths.md").write_text(markdown)
    data = {"scale": args.scale, "at": when, "machine": header, "results": results}
    (RESULTS / "http_paths.json").write_text(json.dumps(data, indent=2))
    print(markdown)


if __name__ == "__main__":
    main()
