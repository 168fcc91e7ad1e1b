"""`prereg directory import`: the cloud's customer facts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli.common import OK, REFUSED, Subparsers, csv_rows, group, runtime_for, sub

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


def register(commands: Subparsers[argparse.ArgumentParser]) -> None:
    directory = group(commands, "directory", "the cloud's customer facts")
    load = sub(directory, "import", "load a directory CSV", IMPORT_HELP)
    load.add_argument("file", metavar="FILE.csv", type=Path)
    load.set_defaults(command=_directory_import)


def _directory_import(args: argparse.Namespace) -> int:
    # Loaded by this command only: the parsers of emails and phone numbers are slow to load.
    from bot.adapters.directory_csv import DirectoryFileError, read_directory
    from bot.services.directory import ImportFile, import_file
    from bot.settings import load_settings

    settings = load_settings()
    with (
        csv_rows(args.file, read_directory, DirectoryFileError) as rows,
        runtime_for(args, settings) as runtime,
        runtime.directory_load() as load,
    ):
        report = import_file(ImportFile(rows, lambda bad: print(bad, file=sys.stderr)), load)
    counts = report.counts
    print(
        f"{counts.loaded} rows loaded ({counts.inserted} inserted, {counts.updated} updated,"
        f" {counts.unchanged} unchanged), {report.bad} bad rows skipped"
    )
    return REFUSED if report.bad else OK
