"""Set-based upserts of directory facts: a batch is staged in a temporary table (COPY on
PostgreSQL, one executemany on SQLite) and merged with one INSERT … ON CONFLICT.

The counts stay exact without reading rows back: `existing` is how many staged keys are
stored already, and the merge only touches rows whose values differ, so its row count is
inserted + updated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Self

from sqlalchemy import Column, Connection, Engine, Integer, MetaData, String, Table
from sqlalchemy.schema import CreateTable

from bot.adapters.database import OwnConnection
from bot.adapters.orm import DirectoryEntryRow
from bot.domain.model import CustomerFacts
from bot.services.directory import BadRow, ImportCounts, Loaded, Row

ENTRIES: Table = DirectoryEntryRow.__table__  # type: ignore[assignment]
COLUMNS = [column.name for column in ENTRIES.columns]  # key first, as declared
VALUES = COLUMNS[1:]
# A Row is staged as it is: line, then the table's columns in their declared order.
assert Row._fields == ("line", *COLUMNS)
REGISTERED_AT = Row._fields.index("registered_at")

_temp = MetaData()
STAGE = Table(
    "directory_stage",
    _temp,
    Column("line", Integer),
    *(column._copy() for column in ENTRIES.columns),
    prefixes=["TEMPORARY"],
)
SEEN = Table(
    "directory_seen",
    _temp,
    Column("key", String(340), primary_key=True),
    Column("line", Integer),
    prefixes=["TEMPORARY"],
)


class DirectoryStage:
    """The staging tables on one connection, and the statements over them."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.dialect = connection.dialect.name
        for table in (STAGE, SEEN):
            connection.execute(CreateTable(table, if_not_exists=True))
        # SQLite keeps times as text: the registered_at as the ORM would store it, so that
        # the merge's comparison with stored values holds. Booleans go in as they are
        # (sqlite3 stores them as 0/1), and PostgreSQL's COPY takes every value as it is.
        convert = ENTRIES.c.registered_at.type.bind_processor(connection.dialect)
        self.stored_time: Callable[[Any], Any] | None = (
            convert if self.dialect == "sqlite" else None
        )

    def stage(self, rows: Sequence[Row]) -> None:
        self.connection.exec_driver_sql("DELETE FROM directory_stage")
        records: Sequence[tuple[Any, ...]] = rows
        if (stored := self.stored_time) is not None:
            at = REGISTERED_AT
            records = [r if r[at] is None else (*r[:at], stored(r[at]), *r[at + 1 :]) for r in rows]
        names = ", ".join(["line", *COLUMNS])
        if self.dialect == "postgresql":
            cursor = self.connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
            with cursor.copy(f"COPY directory_stage ({names}) FROM STDIN") as copy:
                for record in records:
                    copy.write_row(record)
        else:
            marks = ", ".join("?" * (len(COLUMNS) + 1))
            sql = f"INSERT INTO directory_stage ({names}) VALUES ({marks})"
            self.connection.exec_driver_sql(sql, records)

    def repeats(self) -> list[BadRow]:
        """Staged rows whose account an earlier batch of this import had; unstaged."""
        found = self.connection.exec_driver_sql(
            "SELECT s.line, s.key, seen.line FROM directory_stage s"
            " JOIN directory_seen seen ON seen.key = s.key"
        ).all()
        for line, _, _ in found:
            self.connection.exec_driver_sql(f"DELETE FROM directory_stage WHERE line = {int(line)}")
        self.connection.exec_driver_sql(
            "INSERT INTO directory_seen (key, line) SELECT key, line FROM directory_stage"
        )
        return [BadRow(line, _repeat(key, first)) for line, key, first in found]

    def merge(self, staged: int) -> ImportCounts:
        existing = self.connection.exec_driver_sql(
            "SELECT count(*) FROM directory_stage s JOIN directory_entries d ON d.key = s.key"
        ).scalar_one()
        differs = "IS DISTINCT FROM" if self.dialect == "postgresql" else "IS NOT"
        columns = ", ".join(COLUMNS)
        # "WHERE true" tells SQLite's parser that ON CONFLICT belongs to the INSERT.
        changed = self.connection.exec_driver_sql(
            f"INSERT INTO directory_entries ({columns})"
            f" SELECT {columns} FROM directory_stage WHERE true"
            " ON CONFLICT (key) DO UPDATE SET "
            + ", ".join(f"{name} = excluded.{name}" for name in VALUES)
            + " WHERE "
            + " OR ".join(f"directory_entries.{name} {differs} excluded.{name}" for name in VALUES)
        ).rowcount
        inserted = staged - existing
        updated = changed - inserted
        return ImportCounts(inserted, updated, existing - updated)


def first_of_each(rows: Iterable[Row]) -> tuple[list[Row], list[BadRow]]:
    """A batch without repeats of one account (the first row of each kept)."""
    first: dict[str, Row] = {}
    repeats = []
    for row in rows:
        key = row.key
        if key in first:
            repeats.append(BadRow(row.line, _repeat(key, first[key].line)))
        else:
            first[key] = row
    return list(first.values()), repeats


def upsert_facts(connection: Connection, facts: Sequence[CustomerFacts]) -> ImportCounts:
    """A few accounts inside the caller's transaction; a repeated account counts once."""
    rows, _ = first_of_each(Row.of(n, f) for n, f in enumerate(facts, start=1))
    stage = DirectoryStage(connection)
    stage.stage(rows)
    return stage.merge(len(rows))


class SqlDirectoryLoad(OwnConnection):
    """One import over one connection of its own, one transaction per batch; the
    accounts already seen stay in a temporary table, not in this process's memory."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __enter__(self) -> Self:
        self.connection = self.engine.connect()
        self.stage = DirectoryStage(self.connection)
        # A pooled connection keeps its temporary tables: start from nothing seen.
        self.connection.exec_driver_sql("DELETE FROM directory_seen")
        self.connection.commit()
        return self

    def load(self, rows: Sequence[Row]) -> Loaded:
        kept, repeats = first_of_each(rows)
        try:
            self.stage.stage(kept)
            earlier = self.stage.repeats()
            counts = self.stage.merge(len(kept) - len(earlier))
            self.connection.commit()
        except BaseException:
            self.connection.rollback()
            raise
        return Loaded(counts, repeats + earlier)


def _repeat(key: str, first_line: int) -> str:
    what = "mobile" if key.startswith("tel:") else "email"
    return f"same account ({what}) as line {first_line}"
