"""What every command shares: exit codes, the runtime, one-line errors, argparse helpers.

The edge where errors become words: each command returns an exit code, and a refusal is one
line on stderr, never a traceback. Building the parser loads argparse only: the settings,
SQLAlchemy and the runtime are loaded by the command that runs (`--help` needs none).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TextIO, TypeVar

from bot.domain.errors import Refusal
from bot.settings_error import SettingsError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sqlalchemy import Connection

    from bot.bootstrap import Runtime
    from bot.settings import Settings

Row = TypeVar("Row")

OK = 0


REFUSED = 1  # the command ran and said no: bad input, bad rows, a rule


CANNOT_START = 2  # usage, settings, database unreachable: nothing was done

EXIT_CODES = """\
exit codes:
  0  done
  1  refused: bad input or a rule said no (the message says why)
  2  cannot start: wrong usage, a missing or malformed setting, no database"""


Subparsers = argparse._SubParsersAction  # argparse exposes no public name for it


class CannotStart(Exception):
    """The program cannot run at all as configured; one line says why."""


class Refused(Refusal):
    """The command said no before it changed anything (an unreadable file, an unknown
    company); one line says why."""


@contextmanager
def csv_rows(
    path: Path, read: Callable[[IO[bytes]], Iterator[Row]], refused: type[Exception]
) -> Iterator[Iterator[Row]]:
    """The file's rows, read as they are loaded; a file `read` refuses as a whole (its
    header, say) is Refused before anything is loaded."""
    try:
        stream = path.open("rb")
    except OSError as error:
        raise Refused(f"cannot read {path}: {error.strerror}") from None
    with stream:
        try:
            rows = read(stream)
        except refused as error:
            raise Refused(f"{path}: {error}; nothing was loaded") from None
        yield rows


def slack_settings(socket_mode: bool, doing: str) -> Settings:
    from bot.settings import load_settings

    settings = load_settings()
    missing = settings.missing_for_slack(socket_mode=socket_mode)
    if missing:
        names = ", ".join(missing)
        raise CannotStart(f'cannot {doing} without {names} — see README.md, "Settings"')
    return settings


@contextmanager
def runtime_for(args: argparse.Namespace, settings: Settings | None = None) -> Iterator[Runtime]:
    """Built (the schema created or upgraded first), and closed whatever happens."""
    from bot.bootstrap import build
    from bot.settings import load_settings

    settings = settings or load_settings()
    with database_errors(settings.database_url):
        runtime = build(settings, clock=args.clock)
    try:
        yield runtime
    finally:
        runtime.close()


def export_options(export: argparse.ArgumentParser) -> None:
    """What every export takes: one company's rows only, and the format."""
    export.add_argument("--partner", metavar="ID", help="only this partner company's")
    export.add_argument("--format", choices=("csv", "json"), default="csv", help="default csv")


def stream_export(
    args: argparse.Namespace,
    records: Callable[[Connection], Iterable[dict[str, Any]]],
    write_csv: Callable[[Connection, TextIO], None],
) -> int:
    """What every export does: refuse an unknown --partner, then stream the rows to stdout in
    the --format asked (`records` for JSON, `write_csv` for CSV)."""
    from bot.adapters.export import write_json

    with runtime_for(args) as runtime:
        check_partner(runtime, args.partner)
        with runtime.engine.connect() as connection:
            if args.format == "json":
                write_json(records(connection), sys.stdout)
            else:
                write_csv(connection, sys.stdout)
    return OK


def check_partner(runtime: Runtime, partner_id: str | None) -> None:
    """An export's --partner names a company that exists, or the command is refused."""
    if partner_id is None:
        return
    # A plain read: an export needs no unit of work (nor the repositories it loads).
    from sqlalchemy import select

    from bot.adapters.orm import PartnerRow

    with runtime.engine.connect() as connection:
        reading = connection.execution_options(prereg_read_only=True)  # no write lock
        found = reading.execute(select(PartnerRow.id).where(PartnerRow.id == partner_id))
        if found.first() is None:
            raise Refused(f'no partner with id "{partner_id}"')


@contextmanager
def database_errors(url: str) -> Iterator[None]:
    """What a bad DATABASE_URL or an unreachable database raises, as one line."""
    from sqlalchemy.exc import ArgumentError, OperationalError

    prefix = "setting DATABASE_URL is malformed"
    try:
        yield
    except ArgumentError as error:
        raise SettingsError(f"{prefix}: {error}") from None
    except ModuleNotFoundError as error:
        # The URL names a driver this install lacks; the one shipped is psycopg (3).
        hint = "for PostgreSQL write postgresql+psycopg://..."
        raise SettingsError(f"{prefix}: its driver is missing ({error}); {hint}") from None
    except OperationalError as error:
        reason = str(error.orig or error).strip().splitlines()[0]
        raise CannotStart(f"cannot use the database at {masked(url)}: {reason}") from None


def masked(url: str) -> str:
    from sqlalchemy import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "DATABASE_URL"


def columns(header: list[str], body: list[list[str]]) -> Iterator[str]:
    if not body:
        return
    rows = [header, *body]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        yield "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()


def fail(message: str, code: int) -> int:
    print(f"prereg: {message}", file=sys.stderr)
    return code


def port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 1 to 65535, got {text!r}")
    return int(text)


def parser(prog: str, description: str, epilog: str = EXIT_CODES) -> argparse.ArgumentParser:
    return argparse.ArgumentParser(
        prog=prog,
        description=description,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def sub(
    commands: Subparsers[argparse.ArgumentParser],
    name: str,
    summary: str,
    epilog: str = EXIT_CODES,
) -> argparse.ArgumentParser:
    return commands.add_parser(
        name,
        help=summary,
        description=summary[0].upper() + summary[1:] + ".",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def group(
    commands: Subparsers[argparse.ArgumentParser], name: str, summary: str
) -> Subparsers[argparse.ArgumentParser]:
    group = sub(commands, name, summary)
    return group.add_subparsers(title="commands", required=True, metavar="COMMAND")
