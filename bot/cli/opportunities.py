"""`prereg opportunities export`."""

from __future__ import annotations

import argparse

from bot.adapters.export_columns import OPPORTUNITY_COLUMNS
from bot.cli.common import EXIT_CODES, Subparsers, export_options, group, stream_export, sub

EXPORT_HELP = (
    """\
Opportunities to stdout (all, or --partner's), as CSV (default) or JSON,
streamed in id order, columns:
  """
    + ",".join(OPPORTUNITY_COLUMNS)
    + """
amount has two decimals, in currency (ISO 4217); close_date is a date;
stage is qualification, proposal, negotiation, won or lost; open is
true unless won or lost; times are ISO 8601 with their UTC offset. In CSV
a cell a spreadsheet would run as a formula is prefixed with '.

"""
    + EXIT_CODES
)


def register(commands: Subparsers[argparse.ArgumentParser]) -> None:
    opportunities = group(commands, "opportunities", "the partners' opportunities")
    export = sub(opportunities, "export", "write opportunities to stdout", EXPORT_HELP)
    export_options(export)
    export.set_defaults(command=_export)


def _export(args: argparse.Namespace) -> int:
    from bot.adapters.opportunity_export import opportunity_records, write_opportunities_csv

    return stream_export(
        args,
        lambda connection: opportunity_records(connection, args.partner),
        lambda connection, out: write_opportunities_csv(connection, out, args.partner),
    )
