"""`prereg directory import`: the cloud's customer facts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.adapters.directory_csv import DirectoryFileError, parse_directory
from bot.cli.common import OK, REFUSED, Subparsers, fail, group, runtime_for, sub
from bot.services.directory import import_directory
from bot.settings import load_settings

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
    settings = load_settings()
    try:
        parsed = parse_directory(args.file.read_bytes())
    except OSError as error:
        return fail(f"cannot read {args.file}: {error.strerror}", REFUSED)
    except DirectoryFileError as error:
        return fail(f"{args.file}: {error}; nothing was loaded", REFUSED)
    for row_error in parsed.errors:
        print(row_error, file=sys.stderr)
    with runtime_for(args, settings) as runtime:
        counts = import_directory(parsed.facts, runtime.context.uow())
    print(
        f"{len(parsed.facts)} rows loaded ({counts.inserted} inserted, {counts.updated} updated,"
        f" {counts.unchanged} unchanged), {len(parsed.errors)} bad rows skipped"
    )
    return REFUSED if parsed.errors else OK
