"""`prereg registrations export`."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from bot.cli.common import EXIT_CODES, Subparsers, export_options, group, stream_export, sub
from bot.domain.status import Status

EXPORT_HELP = (
    """\
Registrations to stdout (all, or those --partner, --status and --since pick),
as CSV (default) or JSON, streamed in id order, columns:
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


def register(commands: Subparsers[argparse.ArgumentParser]) -> None:
    registrations = group(commands, "registrations", "pre-registrations")
    export = sub(registrations, "export", "write registrations to stdout", EXPORT_HELP)
    export_options(export)
    export.add_argument(
        "--status",
        action="append",
        default=[],
        choices=[status.value for status in Status],
        help="only registrations in this status (repeat for several)",
    )
    export.add_argument(
        "--since",
        type=_since,
        metavar="DATE",
        help="only those created on or after this date (ISO 8601; a date means 00:00 UTC)",
    )
    export.set_defaults(command=_export)


def _export(args: argparse.Namespace) -> int:
    from bot.adapters.export import registration_records, write_registrations_csv

    picked = (args.partner, args.status, args.since)
    return stream_export(
        args,
        lambda connection: registration_records(connection, *picked),
        lambda connection, out: write_registrations_csv(connection, out, *picked),
    )


def _since(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected an ISO 8601 date such as 2026-01-31, got {text!r}"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
