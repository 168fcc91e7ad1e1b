"""`prereg sweep`: every periodic job once, now."""

from __future__ import annotations

import argparse
import traceback

from bot.cli.common import OK, REFUSED, Subparsers, fail, runtime_for, sub


def register(commands: Subparsers[argparse.ArgumentParser]) -> None:
    sweep = sub(commands, "sweep", "run every periodic job once, now, then exit")
    sweep.set_defaults(command=_sweep)


def _sweep(args: argparse.Namespace) -> int:
    # The scheduler's list is the one place periodic jobs are named; apscheduler loads here only.
    from bot.scheduler import JOBS

    failed = []
    with runtime_for(args) as runtime:
        for job in JOBS:
            try:
                result = job.run(runtime)
                print(f"{job.id}: {'done' if result is None else result}")
            except Exception:
                # A failing job must not keep the others from running; its traceback is the
                # operator's only clue, so it is shown in full.
                traceback.print_exc()
                failed.append(job.id)
    if failed:
        return fail(f"failed: {', '.join(failed)}", REFUSED)
    return OK
