"""The command line, `prereg …` (the same program as `python -m bot …`).

The edge where errors become words: each command returns an exit code, and a
refusal is one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from bot.adapters.database import make_engine, upgrade
from bot.adapters.directory_csv import DirectoryFileError, parse_directory
from bot.adapters.export import write_csv, write_json
from bot.bootstrap import Runtime, build, utc_now
from bot.domain.errors import Refusal
from bot.domain.model import Partner
from bot.services.delivery import ListOutbox, RetryDeadLetter, outbox_entries, retry_dead_letter
from bot.services.directory import import_directory
from bot.services.partners import AddPartner, ListPartners, add_partner, list_partners
from bot.settings import Settings, SettingsError, load_settings

OK = 0
REFUSED = 1  # the command ran and said no: bad input, bad rows, a rule
CANNOT_START = 2  # usage, settings, database unreachable: nothing was done

EXIT_CODES = """\
exit codes:
  0  done
  1  refused: bad input or a rule said no (the message says why)
  2  cannot start: wrong usage, a missing or malformed setting, no database"""

IMPORT_HELP = """\
Insert or update the cloud's customer facts from a CSV file whose first line is
  email,mobile,name,site,registered_at,country,associated_partner_id,
  has_contract,has_spend,direct_sales_followup,online_sales
(one line; UTF-8, with or without BOM). Booleans are true/false, dates ISO 8601,
site intl or cn, country ISO 3166-1 alpha-2; empty means unknown.

Each bad row is reported on stderr with its line number (the header is line 1)
and skipped; the good rows still load. Importing the same file again changes
nothing.

exit codes:
  0  every row loaded
  1  some rows were bad (the good ones loaded), or the file was refused as a whole
  2  cannot start"""

EXPORT_HELP = (
    """\
Every registration to stdout, as CSV (default) or JSON, columns:
  id,partner_id,customer_name,email,mobile,country,status,reasons,
  created_at,valid_until,decided_by,decided_at
Times are ISO 8601 with their UTC offset; reasons are ;-joined in CSV, a list
in JSON; empty (CSV) or null (JSON) where not applicable.

In CSV only, a cell starting with =, +, -, @, tab or carriage return is
prefixed with ' so that a spreadsheet shows it instead of running it as a
formula (plain numbers such as +4930123456 are left alone).

"""
    + EXIT_CODES
)


_Subparsers = argparse._SubParsersAction  # argparse exposes no public name for it


class CannotStart(Exception):
    """The program cannot run at all as configured; one line says why."""


def main(argv: Sequence[str] | None = None, *, clock: Callable[[], datetime] = utc_now) -> int:
    """`clock` is the one source of "now" for every command (tests pass their own)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help (0) or a usage error argparse has printed (2)
        return stop.code if isinstance(stop.code, int) else CANNOT_START
    args.clock = clock
    command: Callable[[argparse.Namespace], int] = args.command
    try:
        return command(args)
    except (SettingsError, CannotStart) as error:
        return _fail(str(error), CANNOT_START)
    except Refusal as error:
        return _fail(str(error), REFUSED)


def build_parser() -> argparse.ArgumentParser:
    parser = _parser("prereg", "Pre-register customers for cloud solution partners, in Slack.")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    serve = _sub(commands, "serve", "serve Slack (HTTP mode), invitation pages and /healthz")
    serve.add_argument("--host", default="0.0.0.0", help="address to listen on (default 0.0.0.0)")
    serve.add_argument("--port", type=_port, help="port to listen on (default: the PORT setting)")
    serve.add_argument("--no-scheduler", action="store_true", help="do not run periodic jobs")
    serve.set_defaults(command=_serve)

    _sub(commands, "socket", "serve Slack over Socket Mode").set_defaults(command=_socket)

    db = _group(commands, "db", "the database schema")
    _sub(db, "upgrade", "create or upgrade the schema").set_defaults(command=_db_upgrade)

    _add_partner_commands(_group(commands, "partners", "partner companies"))

    directory = _group(commands, "directory", "the cloud's customer facts")
    load = _sub(directory, "import", "load a directory CSV", IMPORT_HELP)
    load.add_argument("file", metavar="FILE.csv", type=Path)
    load.set_defaults(command=_directory_import)

    registrations = _group(commands, "registrations", "pre-registrations")
    export = _sub(registrations, "export", "write registrations to stdout", EXPORT_HELP)
    export.add_argument("--partner", metavar="ID", help="only this partner company's")
    export.add_argument("--format", choices=("csv", "json"), default="csv", help="default csv")
    export.set_defaults(command=_export)

    outbox = _group(commands, "outbox", "messages owed to Slack")
    listing = _sub(outbox, "list", "the newest messages, with their state and last error")
    listing.add_argument("--failed", action="store_true", help="only the dead letters")
    listing.set_defaults(command=_outbox_list)
    retry = _sub(outbox, "retry", "send a dead letter again")
    retry.add_argument("id", type=int, metavar="ID")
    retry.set_defaults(command=_outbox_retry)

    sweep = _sub(commands, "sweep", "run every periodic job once, now, then exit")
    sweep.set_defaults(command=_sweep)
    return parser


def _add_partner_commands(partners: _Subparsers[argparse.ArgumentParser]) -> None:
    add = _sub(partners, "add", "add a partner company")
    add.add_argument("--id", required=True, help="a short id: letters, digits, . _ -")
    add.add_argument("--name", required=True)
    add.add_argument("--country", required=True, help="ISO 3166-1 alpha-2, e.g. DE")
    add.add_argument("--email", help="the company's contact email")
    add.add_argument("--mobile", help="the company's contact mobile (national numbers: --country)")
    add.add_argument(
        "--slack-user",
        dest="slack_users",
        action="append",
        default=[],
        metavar="U",
        help="a Slack user ID of the company's people (repeat for several)",
    )
    add.set_defaults(command=_partners_add)
    _sub(partners, "list", "list partner companies").set_defaults(command=_partners_list)


# --- commands ---------------------------------------------------------------------------


def _serve(args: argparse.Namespace) -> int:
    settings = _slack_settings(socket_mode=False, doing="serve")
    # Imported here, not at the top: the other commands need neither Slack nor the web server.
    from bot import server

    with _runtime(args, settings) as runtime:
        port = args.port or settings.port
        server.serve(runtime, host=args.host, port=port, scheduler=not args.no_scheduler)
    return OK


def _socket(args: argparse.Namespace) -> int:
    settings = _slack_settings(socket_mode=True, doing="start Socket Mode")
    from bot import server

    with _runtime(args, settings) as runtime:
        server.socket(runtime, scheduler=True)
    return OK


def _db_upgrade(args: argparse.Namespace) -> int:
    settings = load_settings()
    with _database_errors(settings.database_url):
        engine = make_engine(settings.database_url)
        try:
            before = _revision(engine)
            upgrade(engine)
            after = _revision(engine)
        finally:
            engine.dispose()
    where = _masked(settings.database_url)
    if before is None:
        print(f"created the schema at revision {after} in {where}")
    elif before == after:
        print(f"already at the newest revision, {after}, in {where}")
    else:
        print(f"upgraded the schema from revision {before} to {after} in {where}")
    return OK


def _partners_add(args: argparse.Namespace) -> int:
    cmd = AddPartner(
        id=args.id,
        name=args.name,
        country=args.country,
        email=args.email,
        mobile=args.mobile,
        slack_user_ids=tuple(args.slack_users),
    )
    with _runtime(args) as runtime:
        partner = add_partner(cmd, runtime.context)
    users = len(partner.slack_user_ids)
    print(f"added partner {partner.id}: {partner.name} ({partner.country}), {users} Slack user(s)")
    if not partner.has_contact():
        print(f"note: {partner.id} has no email or mobile on file; its users must set one first")
    return OK


def _partners_list(args: argparse.Namespace) -> int:
    with _runtime(args) as runtime:
        partners = list_partners(ListPartners(), runtime.context)
    if not partners:
        print("no partners yet: add one with `prereg partners add`")
    for line in _table(["id", "name", "country", "email", "mobile", "slack users"], partners):
        print(line)
    return OK


def _directory_import(args: argparse.Namespace) -> int:
    settings = load_settings()
    try:
        parsed = parse_directory(args.file.read_bytes())
    except OSError as error:
        return _fail(f"cannot read {args.file}: {error.strerror}", REFUSED)
    except DirectoryFileError as error:
        return _fail(f"{args.file}: {error}; nothing was loaded", REFUSED)
    for row_error in parsed.errors:
        print(row_error, file=sys.stderr)
    with _runtime(args, settings) as runtime:
        counts = import_directory(parsed.facts, runtime.context.uow())
    print(
        f"{len(parsed.facts)} rows loaded ({counts.inserted} inserted, {counts.updated} updated,"
        f" {counts.unchanged} unchanged), {len(parsed.errors)} bad rows skipped"
    )
    return REFUSED if parsed.errors else OK


def _export(args: argparse.Namespace) -> int:
    with _runtime(args) as runtime, runtime.context.uow() as uow:
        if args.partner is not None and uow.partners.get(args.partner) is None:
            return _fail(f'no partner with id "{args.partner}"', REFUSED)
        registrations = uow.registrations.all(args.partner)
    (write_json if args.format == "json" else write_csv)(registrations, sys.stdout)
    return OK


def _outbox_list(args: argparse.Namespace) -> int:
    with _runtime(args) as runtime:
        entries = outbox_entries(ListOutbox(failed_only=args.failed), runtime.context)
    if not entries:
        print("no dead letters" if args.failed else "the outbox is empty")
    header = ["id", "kind", "to", "registration", "status", "attempts", "created", "last error"]
    rows = [
        [
            str(e.id),
            e.kind,
            e.recipient,
            str(e.registration_id or ""),
            e.status,
            str(e.attempts),
            e.created_at.isoformat(timespec="seconds"),
            (e.last_error or "").replace("\n", " ")[:80],
        ]
        for e in entries
    ]
    for line in _columns(header, rows):
        print(line)
    return OK


def _outbox_retry(args: argparse.Namespace) -> int:
    with _runtime(args) as runtime:
        revived = retry_dead_letter(RetryDeadLetter(args.id), runtime.context)
    if not revived:
        return _fail(f"no dead letter with id {args.id}", REFUSED)
    print(f"message {args.id} is queued again; a running bot (or `prereg sweep`) sends it")
    return OK


def _sweep(args: argparse.Namespace) -> int:
    # The scheduler's list is the one place periodic jobs are named; apscheduler loads here only.
    from bot.scheduler import JOBS

    failed = []
    with _runtime(args) as runtime:
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
        return _fail(f"failed: {', '.join(failed)}", REFUSED)
    return OK


# --- helpers ----------------------------------------------------------------------------


def _slack_settings(socket_mode: bool, doing: str) -> Settings:
    settings = load_settings()
    missing = settings.missing_for_slack(socket_mode=socket_mode)
    if missing:
        names = ", ".join(missing)
        raise CannotStart(f'cannot {doing} without {names} — see README.md, "Settings"')
    return settings


@contextmanager
def _runtime(args: argparse.Namespace, settings: Settings | None = None) -> Iterator[Runtime]:
    """Built (the schema created or upgraded first), and closed whatever happens."""
    settings = settings or load_settings()
    with _database_errors(settings.database_url):
        runtime = build(settings, clock=args.clock)
    try:
        yield runtime
    finally:
        runtime.close()


@contextmanager
def _database_errors(url: str) -> Iterator[None]:
    """What a bad DATABASE_URL or an unreachable database raises, as one line."""
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
        raise CannotStart(f"cannot use the database at {_masked(url)}: {reason}") from None


def _masked(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "DATABASE_URL"


def _revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _table(header: list[str], partners: Sequence[Partner]) -> Iterator[str]:
    rows = [
        [p.id, p.name, p.country, p.email or "", p.mobile or "", ",".join(p.slack_user_ids)]
        for p in partners
    ]
    return _columns(header, rows)


def _columns(header: list[str], body: list[list[str]]) -> Iterator[str]:
    if not body:
        return
    rows = [header, *body]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        yield "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()


def _fail(message: str, code: int) -> int:
    print(f"prereg: {message}", file=sys.stderr)
    return code


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 1 to 65535, got {text!r}")
    return int(text)


def _parser(prog: str, description: str, epilog: str = EXIT_CODES) -> argparse.ArgumentParser:
    return argparse.ArgumentParser(
        prog=prog,
        description=description,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def _sub(
    commands: _Subparsers[argparse.ArgumentParser],
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


def _group(
    commands: _Subparsers[argparse.ArgumentParser], name: str, summary: str
) -> _Subparsers[argparse.ArgumentParser]:
    group = _sub(commands, name, summary)
    return group.add_subparsers(title="commands", required=True, metavar="COMMAND")
