"""`prereg registrations export`."""

from __future__ import annotations

import argparse
import sys

from bot.adapters.export import write_csv, write_json
from bot.cli.common import EXIT_CODES, OK, REFUSED, Subparsers, fail, group, runtime_for, sub

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


def register(commands: Subparsers[argparse.ArgumentParser]) -> None:
    registrations = group(commands, "registrations", "pre-registrations")
    export = sub(registrations, "export", "write registrations to stdout", EXPORT_HELP)
    export.add_argument("--partner", metavar="ID", help="only this partner company's")
    export.add_argument("--format", choices=("csv", "json"), default="csv", help="default csv")
    export.set_defaults(command=_export)


def _export(args: argparse.Namespace) -> int:
    with runtime_for(args) as runtime, runtime.context.uow() as uow:
        if args.partner is not None and uow.partners.get(args.partner) is None:
            return fail(f'no partner with id "{args.partner}"', REFUSED)
        registrations = uow.registrations.all(args.partner)
    (write_json if args.format == "json" else write_csv)(registrations, sys.stdout)
    return OK
