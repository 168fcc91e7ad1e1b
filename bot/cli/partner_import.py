"""`prereg partners import FILE.csv`: partner companies in bulk."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli.common import OK, REFUSED, Subparsers, csv_rows, runtime_for, sub

IMPORT_HELP = """\
Insert or update partner companies from a CSV file whose first line is
  id,name,country,email,mobile,slack_users
(UTF-8, with or without BOM). slack_users holds the company's Slack user IDs,
separated by spaces; each row is checked as `prereg partners add` checks it.
Listed users are linked to the company; users linked before stay linked (remove
them with `prereg partners unlink`). A Slack user belongs to at most one company:
a row listing a user of another company is refused, naming that company.

Each bad row is reported on stderr with its line number (the header is line 1)
and skipped; the good rows still load. Importing the same file again changes
nothing, and says so.

exit codes:
  0  every row loaded
  1  some rows were bad (the good ones loaded), or the file was refused as a whole
  2  cannot start"""


def register(partners: Subparsers[argparse.ArgumentParser]) -> None:
    load = sub(partners, "import", "load partner companies from a CSV file", IMPORT_HELP)
    load.add_argument("file", metavar="FILE.csv", type=Path)
    load.set_defaults(command=_partners_import)


def _partners_import(args: argparse.Namespace) -> int:
    # Loaded by this command only: the parsers of emails and phone numbers are slow to load.
    from bot.adapters.partners_bulk import SqlPartnerLoad
    from bot.adapters.partners_csv import PartnersFileError, read_partners
    from bot.services.partner_import import ImportPartners, import_partners
    from bot.settings import load_settings

    settings = load_settings()
    with csv_rows(args.file, read_partners, PartnersFileError) as rows:
        cmd = ImportPartners(rows, on_bad=lambda bad: print(bad, file=sys.stderr))
        with (
            runtime_for(args, settings) as runtime,
            SqlPartnerLoad(runtime.engine, runtime.context.clock) as load,
        ):
            report = import_partners(cmd, load)
    counts = report.counts
    print(
        f"{counts.loaded} companies loaded ({counts.inserted} inserted, {counts.updated} updated,"
        f" {counts.unchanged} unchanged), {report.bad} bad rows skipped"
    )
    if not report.changed:
        print("nothing changed: every good row was already stored as given")
    return REFUSED if report.bad else OK
