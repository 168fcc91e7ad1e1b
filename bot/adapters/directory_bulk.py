"""Set-based upserts of directory facts, a batch at a time: on PostgreSQL COPY into a
temporary table and one INSERT … SELECT … ON CONFLICT; on SQLite one executemany of
that upsert over the parsed rows as they are.

The counts stay exact without reading rows back: the upsert only touches rows whose
values differ, so its row count is inserted + updated; on SQLite `existing` is how many
of the batch's keys are stored already, on PostgreSQL the upsert's own returned rows
tell the inserted ones.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from operator import itemgetter
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
    """The statements of one import (or one small upsert) on one connection."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.dialect = connection.dialect.name
        # SQLite binds the rows straight into the upsert: it needs no staging table.
        for table in (STAGE, SEEN) if self.dialect == "postgresql" else (SEEN,):
            connection.execute(CreateTable(table, if_not_exists=True))
        differs = "IS DISTINCT FROM" if self.dialect == "postgresql" else "IS NOT"
        self.upsert = (
            " ON CONFLICT (key) DO UPDATE SET "
            + ", ".join(f"{name} = excluded.{name}" for name in VALUES)
            + " WHERE "
            + " OR ".join(f"directory_entries.{name} {differs} excluded.{name}" for name in VALUES)
        )
        # SQLite keeps times as text: the registered_at as the ORM would store it, so that
        # the upsert's comparison with stored values holds. Booleans go in as they are
        # (sqlite3 stores them as 0/1), and PostgreSQL's COPY takes every value as it is.
        self.stored_time = ENTRIES.c.registered_at.type.bind_processor(connection.dialect)

    def write(self, rows: Sequence[Row], remember: bool) -> tuple[ImportCounts, list[BadRow]]:
        """Upserts the rows (one per account), except those whose account an earlier call
        remembered: returned as repeats. `remember`: keep these accounts for later calls."""
        if self.dialect == "postgresql":
            self._copy(rows)
            earlier = self._staged_repeats(remember)
            return self._merge(len(rows) - len(earlier)), earlier
        return self._sqlite_write(rows, remember)

    def _copy(self, rows: Sequence[Row]) -> None:
        self.connection.exec_driver_sql("DELETE FROM directory_stage")
        names = ", ".join(Row._fields)
        cursor = self.connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f"COPY directory_stage ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def _staged_repeats(self, remember: bool) -> list[BadRow]:
        if not remember:
            return []
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

    def _merge(self, staged: int) -> ImportCounts:
        """One statement: a row the upsert inserted has xmax 0, one it updated carries the
        lock its update took, so the rows it returns tell inserted from updated without a
        join of the batch with the table beforehand."""
        columns = ", ".join(COLUMNS)
        inserted, changed = self.connection.exec_driver_sql(
            f"WITH changed AS (INSERT INTO directory_entries ({columns})"
            f" SELECT {columns} FROM directory_stage" + self.upsert + " RETURNING xmax = 0 AS new)"
            " SELECT count(*) FILTER (WHERE new), count(*) FROM changed"
        ).one()
        return ImportCounts(inserted, changed - inserted, staged - changed)

    def _sqlite_write(
        self, rows: Sequence[Row], remember: bool
    ) -> tuple[ImportCounts, list[BadRow]]:
        """No staging table: on SQLite, copying each batch through one cost as much as
        the upsert itself. The rows are bound straight into the upsert."""
        earlier: list[BadRow] = []
        if remember:
            rows, earlier = self._sqlite_unseen(rows)
        if not rows:  # an empty executemany would run the statement once, unbound
            return ImportCounts(), earlier
        # In key order, each index's pages are visited once a batch, not once a row.
        rows = sorted(rows, key=_key)
        keys = json.dumps(list(map(_key, rows)))
        existing = self.connection.exec_driver_sql(
            "SELECT count(*) FROM json_each(?) j JOIN directory_entries d ON d.key = j.value",
            (keys,),
        ).scalar_one()
        at, stored = REGISTERED_AT, self.stored_time
        assert stored is not None
        records = [
            r[1:] if r[at] is None else (*r[1:at], stored(r[at]), *r[at + 1 :]) for r in rows
        ]
        marks = ", ".join("?" * len(COLUMNS))
        changed = self.connection.exec_driver_sql(
            f"INSERT INTO directory_entries ({', '.join(COLUMNS)}) VALUES ({marks})" + self.upsert,
            records,
        ).rowcount
        return _counts(len(rows), existing, changed), earlier

    def _sqlite_unseen(self, rows: Sequence[Row]) -> tuple[list[Row], list[BadRow]]:
        """The rows whose account no earlier batch had (and they are remembered now); a
        remembered account keeps its first line, always before this batch's lines."""
        if not rows:
            return [], []
        added = self.connection.exec_driver_sql(
            "INSERT INTO directory_seen (key, line) VALUES (?, ?) ON CONFLICT DO NOTHING",
            list(map(_seen, rows)),
        ).rowcount
        if added == len(rows):
            return list(rows), []
        first_line: dict[str, int] = dict(
            self.connection.exec_driver_sql(
                "SELECT seen.key, seen.line FROM json_each(?) j"
                " JOIN directory_seen seen ON seen.key = j.value WHERE seen.line < ?",
                (json.dumps(list(map(_key, rows))), rows[0].line),
            ).all()
        )
        repeats = [
            BadRow(r.line, _repeat(r.key, first_line[r.key])) for r in rows if r.key in first_line
        ]
        return [row for row in rows if row.key not in first_line], repeats


_key = itemgetter(Row._fields.index("key"))
_seen = itemgetter(Row._fields.index("key"), Row._fields.index("line"))


def _counts(written: int, existing: int, changed: int) -> ImportCounts:
    """The upsert changes only rows whose values differ: its row count is inserted + updated."""
    inserted = written - existing
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
    counts, _ = DirectoryStage(connection).write(rows, remember=False)
    return counts


class SqlDirectoryLoad(OwnConnection):
    """One import over one connection of its own, one transaction per batch; the
    accounts already seen stay in a temporary table, not in this process's memory."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __enter__(self) -> Self:
        self.connection = self.engine.connect()
        self.restore = self._sqlite_pragmas() if self.engine.dialect.name == "sqlite" else []
        self.stage = DirectoryStage(self.connection)
        # A pooled connection keeps its temporary tables: start from nothing seen.
        self.connection.exec_driver_sql("DELETE FROM directory_seen")
        self.connection.commit()
        return self

    def load(self, rows: Sequence[Row]) -> Loaded:
        kept, repeats = first_of_each(rows)
        try:
            counts, earlier = self.stage.write(kept, remember=True)
            self.connection.commit()
        except BaseException:
            self.connection.rollback()
            raise
        return Loaded(counts, repeats + earlier)

    def _sqlite_pragmas(self) -> list[str]:
        """This connection's settings for the import, and the statements that put them back
        for the bot's own use of it later. A committed batch need not reach the disk before
        the next one starts: synchronous NORMAL, still safe in WAL mode, and a batch lost
        to a power cut is loaded by running the import again. (The accounts seen stay in
        a temporary file: in memory they would grow with the file.)"""
        driver = self.connection.connection.dbapi_connection
        assert driver is not None
        (before,) = driver.execute("PRAGMA synchronous").fetchone()
        driver.execute("PRAGMA synchronous = NORMAL")
        return [f"PRAGMA synchronous = {int(before)}"]

    def __exit__(self, *exc: Any) -> None:
        self.connection.rollback()
        driver = self.connection.connection.dbapi_connection
        for statement in self.restore:
            driver.execute(statement)  # type: ignore[union-attr]
        super().__exit__(*exc)


def _repeat(key: str, first_line: int) -> str:
    what = "mobile" if key.startswith("tel:") else "email"
    return f"same account ({what}) as line {first_line}"
