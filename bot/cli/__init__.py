"""The command line, `prereg …` (the same program as `python -m bot …`).

One module per command group; each registers its subcommands. A refusal is one line on
stderr and exit code 1, never a traceback (see bot.cli.common). The groups' modules load
argparse only; a command loads what it uses when it runs (tests/test_cli_startup.py).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from datetime import datetime

from bot.adapters.waiting import patient
from bot.cli import directory, opportunities, outbox, partners, registrations, serving, sweep
from bot.cli.common import CANNOT_START, REFUSED, CannotStart, fail, parser
from bot.domain.errors import Refusal
from bot.settings_error import SettingsError

GROUPS = (serving, partners, directory, registrations, opportunities, outbox, sweep)


def main(argv: Sequence[str] | None = None, *, clock: Callable[[], datetime] | None = None) -> int:
    """`clock` is the one source of "now" for every command (tests pass their own; the
    default is bot.bootstrap.utc_now)."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as stop:  # --help (0) or a usage error argparse has printed (2)
        return stop.code if isinstance(stop.code, int) else CANNOT_START
    if clock is None:
        from bot.bootstrap import utc_now

        clock = utc_now
    args.clock = clock
    command: Callable[[argparse.Namespace], int] = args.command
    try:
        with patient():  # an operator's command may wait for the database longer than Slack
            return command(args)
    except (SettingsError, CannotStart) as error:
        return fail(str(error), CANNOT_START)
    except Refusal as error:
        return fail(str(error), REFUSED)


def build_parser() -> argparse.ArgumentParser:
    top = parser("prereg", "Pre-register customers for cloud solution partners, in Slack.")
    commands = top.add_subparsers(title="commands", required=True, metavar="COMMAND")
    for module in GROUPS:
        module.register(commands)
    return top
