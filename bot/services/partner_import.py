"""Use case: load partner companies in bulk (`prereg partners import`).

Each row is checked as `prereg partners add` checks it; the bulk writer then upserts a
batch at a time. A Slack user belongs to at most one company: a row linking a user of
another company, stored or earlier in the file, is a bad row naming that company. Links
are only ever added here (`partners unlink` removes them), so a second import of the same
file changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Protocol

from bot.domain.model import Partner
from bot.services.commands import Command
from bot.services.directory import BadRow, ImportCounts
from bot.services.partners import AddPartner, InvalidPartner, _validated

# One transaction per batch: on SQLite it holds the only write lock, so it stays short.
BATCH = 1000


@dataclass(frozen=True)
class CompanyRow:
    """A record as typed, and the line it starts on (the header is line 1)."""

    line: int
    company: AddPartner


@dataclass(frozen=True)
class Company:
    """A checked record: what the company's row in the database must be."""

    line: int
    partner: Partner


@dataclass(frozen=True)
class LoadedCompanies:
    counts: ImportCounts
    refused: Sequence[BadRow] = ()
    """Rows linking a Slack user that another company has in the database."""


class PartnerLoad(Protocol):
    def load(self, companies: Sequence[Company]) -> LoadedCompanies:
        """Upsert the companies and add their links in one transaction, except the
        refused rows it returns."""
        ...


class ImportPartners(Command):
    rows: Iterable[CompanyRow | BadRow]
    on_bad: Callable[[BadRow], None]
    """Told each bad row, in line order within a batch."""


@dataclass
class PartnersImported:
    counts: ImportCounts = field(default_factory=ImportCounts)
    bad: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.counts.inserted or self.counts.updated)


@dataclass
class _Seen:
    """What earlier rows of this file claimed: a company id, a Slack user."""

    ids: dict[str, int] = field(default_factory=dict)
    users: dict[str, tuple[str, int]] = field(default_factory=dict)


def import_partners(cmd: ImportPartners, load: PartnerLoad, batch: int = BATCH) -> PartnersImported:
    report = PartnersImported()
    seen = _Seen()
    remaining = iter(cmd.rows)
    while chunk := list(islice(remaining, batch)):
        good: list[Company] = []
        bad: list[BadRow] = []
        for row in chunk:
            checked = row if isinstance(row, BadRow) else _checked(row, seen)
            if isinstance(checked, BadRow):
                bad.append(checked)
            else:
                good.append(checked)
        done = load.load(good) if good else LoadedCompanies(ImportCounts())
        report.counts += done.counts
        bad.extend(done.refused)
        for row in sorted(bad, key=lambda row: row.line):
            cmd.on_bad(BadRow(row.line, printable(row.message)))
        report.bad += len(bad)
    return report


def _checked(row: CompanyRow, seen: _Seen) -> Company | BadRow:
    try:
        partner = _validated(row.company)
    except InvalidPartner as error:
        return BadRow(row.line, str(error))
    # Both rows loaded, the later would win now and lose on every re-import.
    if partner.id in seen.ids:
        return BadRow(row.line, f'same id "{partner.id}" as line {seen.ids[partner.id]}')
    problems = [
        f'Slack user {user} is listed for partner "{owner}" on line {line}'
        for user in partner.slack_user_ids
        for owner, line in [seen.users.get(user, ("", 0))]
        if line
    ]
    if problems:
        return BadRow(row.line, "; ".join(problems))
    seen.ids[partner.id] = row.line
    for user in partner.slack_user_ids:
        seen.users[user] = (partner.id, row.line)
    return Company(row.line, partner)


SHOWN_PROBLEMS, SHOWN_CHARACTERS = 6, 150  # one per field; each cut, in the error line


def printable(text: str) -> str:
    """An error line stays one short line on the operator's terminal, whatever the file held:
    each problem (they repeat the bad value) is cut, and only the first few are shown."""
    problems = [_cut(problem) for problem in text.split("; ")]
    shown = "; ".join(problems[:SHOWN_PROBLEMS])
    more = len(problems) - SHOWN_PROBLEMS
    return shown + (f"; and {more} more" if more > 0 else "")


def _cut(text: str) -> str:
    shown = "".join(c if c.isprintable() else "\ufffd" for c in text[:SHOWN_CHARACTERS])
    return shown + "…" if len(text) > SHOWN_CHARACTERS else shown
