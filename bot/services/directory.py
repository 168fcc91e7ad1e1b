"""Use case: load the cloud's customer facts that the eligibility rules read."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any, NamedTuple, Protocol

from bot.domain.model import CustomerFacts, Site
from bot.services.commands import Command
from bot.services.context import Context

# One transaction per batch, not per file: on SQLite a transaction holds the only write
# lock, and a long import must not stall the bot's own writes (a batch takes a few tens
# of milliseconds). A half-done import is safe to run again, since a second run changes
# nothing that the first one loaded.
BATCH = 5000


def account_key(email: str | None, mobile: str | None) -> str:
    """An account is known by its email, or by its mobile when it has none."""
    if email:
        return email
    if mobile:
        return f"tel:{mobile}"
    raise ValueError("a directory entry needs an email or a mobile")


class Row(NamedTuple):
    """A parsed record, flat: the line it starts on (the header is line 1), the account's
    key, then CustomerFacts' fields in their order (the site as its value). An import
    reads a million of them, and a tuple is what the bulk writer stages as it is:
    no CustomerFacts is built on the way unless `facts` is asked for."""

    line: int
    key: str
    email: str | None
    mobile: str | None
    name: str | None
    site: str | None
    registered_at: datetime | None
    country: str | None
    associated_partner_id: str | None
    has_contract: bool | None
    has_spend: bool | None
    direct_sales_followup: bool | None
    online_sales: bool | None

    @classmethod
    def of(cls, line: int, facts: CustomerFacts) -> Row:
        return cls(
            line,
            account_key(facts.email, facts.mobile),
            facts.email,
            facts.mobile,
            facts.name,
            facts.site.value if facts.site else None,
            facts.registered_at,
            facts.country,
            facts.associated_partner_id,
            facts.has_contract,
            facts.has_spend,
            facts.direct_sales_followup,
            facts.online_sales,
        )

    @property
    def facts(self) -> CustomerFacts:
        return facts_of(self)


def facts_of(entry: Any) -> CustomerFacts:
    """The facts of anything that carries the directory's columns by name: a parsed row, or
    one as stored."""
    return CustomerFacts(
        email=entry.email,
        mobile=entry.mobile,
        name=entry.name,
        site=Site(entry.site) if entry.site else None,
        registered_at=entry.registered_at,
        country=entry.country,
        associated_partner_id=entry.associated_partner_id,
        has_contract=entry.has_contract,
        has_spend=entry.has_spend,
        direct_sales_followup=entry.direct_sales_followup,
        online_sales=entry.online_sales,
    )


@dataclass(frozen=True)
class BadRow:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class ImportCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    def __add__(self, other: ImportCounts) -> ImportCounts:
        return ImportCounts(
            self.inserted + other.inserted,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
        )

    @property
    def loaded(self) -> int:
        return self.inserted + self.updated + self.unchanged


@dataclass(frozen=True)
class Loaded:
    """What one batch did: its counts, and its rows refused as repeats of earlier lines."""

    counts: ImportCounts
    repeats: Sequence[BadRow] = ()


class DirectoryLoad(Protocol):
    """One import's bulk writer: remembers every account it was given, so that a row
    repeating an earlier one is refused however far apart the two are."""

    def load(self, rows: Sequence[Row]) -> Loaded:
        """Upsert the rows in one transaction, except the repeats it returns."""
        ...


@dataclass
class ImportReport:
    counts: ImportCounts = ImportCounts()
    bad: int = 0
    bad_rows: list[BadRow] = field(default_factory=list)
    """Kept only when no `on_bad` was given."""


class ImportFile(Command):
    rows: Iterable[Row | BadRow]
    on_bad: Callable[[BadRow], None] | None = None
    """Told each bad row, in line order; without it they are kept in the report."""


def import_file(cmd: ImportFile, load: DirectoryLoad, batch: int = BATCH) -> ImportReport:
    """Every good row upserted, batch by batch; bad rows passed to `on_bad` in line order.

    `load` is the bulk writer over the connection the caller opened for the whole file (see
    DirectoryLoad): no unit of work of Context's carries it."""
    report = ImportReport()
    tell = cmd.on_bad or report.bad_rows.append
    remaining = iter(cmd.rows)
    while chunk := list(islice(remaining, batch)):
        good = [row for row in chunk if isinstance(row, Row)]
        done = load.load(good) if good else Loaded(ImportCounts())
        report.counts += done.counts
        bad = [row for row in chunk if isinstance(row, BadRow)] + list(done.repeats)
        for row in sorted(bad, key=lambda row: row.line):
            tell(row)
        report.bad += len(bad)
    return report


class ImportDirectory(Command):
    rows: Iterable[CustomerFacts]
    batch: int = BATCH


def import_directory(cmd: ImportDirectory, ctx: Context) -> ImportCounts:
    """A few accounts in one go: insert or update each, one transaction per batch; rows equal
    to what is stored count as unchanged. Files go through `import_file`."""
    total = ImportCounts()
    remaining = iter(cmd.rows)
    while chunk := list(islice(remaining, cmd.batch)):
        with ctx.uow() as uow:
            total += uow.directory.upsert_many(chunk)
            uow.commit()
    return total
