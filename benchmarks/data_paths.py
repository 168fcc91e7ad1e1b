"""The operators' bulk paths at a program's scale: directory and partners import, export,
sweep.

    .venv/bin/python -m benchmarks.data_paths [--scale small|full] [--postgres URL]

Each command runs as the operator runs it (`prereg …` in its own process) on SQLite and,
given a URL (its schema is dropped and made anew), on PostgreSQL; the time is the wall
clock of that process and the memory its peak resident set. Writes
benchmarks/results/data_paths.md and .json and prints the table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text

from benchmarks.dataset import (
    SCALES,
    insert_opportunities,
    insert_partners,
    insert_registrations,
    write_directory,
    write_partners,
)
from bot.adapters.database import make_engine, upgrade

PREREG = [sys.executable, "-m", "bot"]
RESULTS = Path(__file__).parent / "results"


def fresh(url: str) -> None:
    if url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    engine.dispose()


def measure(url: str, scale_name: str, folder: Path) -> dict[str, object]:
    scale = SCALES[scale_name]
    sizes = [n for n in (10_000, 100_000, 1_000_000) if n <= scale.directory] or [scale.directory]
    found: dict[str, object] = {}
    for size in sizes:
        fresh(url)
        csv_file = write_directory(folder / f"directory_{size}.csv", size)
        figures = isolated(["directory", "import", str(csv_file)], url)
        figures["rows_per_second"] = round(size / figures["seconds"])
        found[f"directory import {size:,}"] = figures
    fresh(url)
    partners_file = write_partners(folder / "partners.csv", scale.partners)
    for run in ("", " again (unchanged)"):
        figures = isolated(["partners", "import", str(partners_file)], url)
        figures["rows_per_second"] = round(scale.partners / figures["seconds"])
        found[f"partners import {scale.partners:,}{run}"] = figures
    fresh(url)
    engine = make_engine(url)
    insert_partners(engine, scale.partners)
    insert_registrations(engine, scale, datetime.now(UTC))
    insert_opportunities(engine, scale.registrations)
    engine.dispose()
    for kind in ("registrations", "opportunities"):
        export = isolated([kind, "export"], url)
        export["rows_per_second"] = round(scale.registrations / export["seconds"])
        found[f"{kind} export {scale.registrations:,}"] = export
    found[f"sweep ({scale.registrations:,} active, {2 * scale.due:,} due)"] = isolated(
        ["sweep"], url
    )
    # Start-up of a command that changes no schema: the best of five, the machine is shared.
    runs = [isolated(["partners", "list"], url) for _ in range(5)]
    found["start-up (partners list, best of 5)"] = min(runs, key=lambda f: f["seconds"])
    return found


def isolated(args: list[str], url: str) -> dict[str, float]:
    """Through a wrapper process, so that RUSAGE_CHILDREN is this run's alone."""
    code = (
        "import resource, subprocess, sys, time, json;"
        "t = time.perf_counter();"
        f"r = subprocess.run({[*PREREG, *args]!r}, stdout=subprocess.DEVNULL,"
        " stderr=subprocess.PIPE);"
        "s = time.perf_counter() - t;"
        "u = resource.getrusage(resource.RUSAGE_CHILDREN);"
        "m, c = u.ru_maxrss, u.ru_utime + u.ru_stime;"
        "print(json.dumps({'seconds': round(s, 2), 'cpu_seconds': round(c, 2),"
        " 'peak_rss_mb': round(m / 1024, 1),"
        " 'exit': r.returncode, 'err': r.stderr.decode()[-300:]}))"
    )
    env = {**os.environ, "DATABASE_URL": url}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, check=True)
    figures: dict[str, Any] = json.loads(done.stdout)
    if figures.pop("exit") not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed: {figures['err']}")
    figures.pop("err")
    return figures


def table(results: dict[str, dict[str, object]]) -> str:
    lines = [
        "| database | path | seconds | CPU seconds | rows/s | peak RSS (MB) |",
        "|---|---|---|---|---|---|",
    ]
    for database, found in results.items():
        for path, figures in found.items():
            assert isinstance(figures, dict)
            rate = figures.get("rows_per_second", "")
            seconds, peak = figures["seconds"], figures["peak_rss_mb"]
            cpu = figures.get("cpu_seconds", "")
            lines.append(f"| {database} | {path} | {seconds} | {cpu} | {rate} | {peak} |")
    return "\n".join(lines)


def machine() -> str:
    load = os.getloadavg()[0]
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, load {load:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL"))
    args = parser.parse_args()
    results: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory() as folder:
        results["SQLite"] = measure(
            f"sqlite:///{Path(folder) / 'bench.db'}", args.scale, Path(folder)
        )
        if args.postgres:
            results["PostgreSQL"] = measure(args.postgres, args.scale, Path(folder))
    RESULTS.mkdir(exist_ok=True)
    when = datetime.now(UTC).isoformat(timespec="seconds")
    header = f"{args.scale} scale, {when}, on {machine()}"
    markdown = f"{header}\n\n{table(results)}\n"
    (RESULTS / "data_paths.md").write_text(markdown)
    (RESULTS / "data_paths.json").write_text(
        json.dumps(
            {"scale": args.scale, "at": when, "machine": machine(), "results": results}, indent=2
        )
    )
    print(markdown)


if __name__ == "__main__":
    main()
