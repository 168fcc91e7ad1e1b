"""Engines and schema upgrades: SQLite embedded by default, PostgreSQL in production."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from bot.adapters.resource_alarm import short_of_resources, watch
from bot.adapters.schema_head import script_head, stored_revisions
from bot.adapters.waiting import WAIT_SECONDS, patience_here, time_left

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

STATEMENT_MS = 2500  # PostgreSQL: the longest a statement may run (migrations excepted)


def make_engine(url: str) -> Engine:
    # hide_parameters: a database error never carries the values (emails, mobiles) into a log.
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    # Bounded connect (a network that drops packets), lock waits and statements.
    options = (
        f"-c lock_timeout={int(WAIT_SECONDS * 1000)} -c statement_timeout={STATEMENT_MS}"
        " -c idle_in_transaction_session_timeout=60000"
    )
    engine = create_engine(
        url,
        pool_pre_ping=True,
        # Kept open for the listeners and the outbox working at once: connections past the
        # pool are closed when returned, and under load each submission then paid a connect.
        pool_size=24,
        max_overflow=16,
        pool_timeout=WAIT_SECONDS,
        hide_parameters=True,
        connect_args={"connect_timeout": int(WAIT_SECONDS), "options": options},
    )

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        patience = patience_here()
        if patience:
            # Background work waits longer for locks, and may run long (an export of a
            # million rows): no statement limit.
            # On the driver's own cursor: the connection may be set to stream (a named cursor).
            cursor = connection.connection.dbapi_connection.cursor()
            cursor.execute(f"SET LOCAL lock_timeout = {int(patience * 1000)}")
            cursor.execute("SET LOCAL statement_timeout = 0")
            cursor.close()

    watch(engine)  # out of disk or memory: /healthz says so (bot.adapters.resource_alarm)
    return engine


def _sqlite_engine(url: str) -> Engine:
    # Python's sqlite3 driver would open transactions lazily and deferred; writers then
    # fail instead of queueing. BEGIN IMMEDIATE takes the write lock up front, so every
    # use case runs serialized behind the busy timeout: quota and exclusivity hold.
    # As on PostgreSQL, kept open for the listeners and the outbox at once: with the default
    # 5, a writer past them opened a connection (and ran its PRAGMAs) while it held the
    # writer's turn, 17% of that turn under the benchmark's submissions. (An in-memory
    # database has one connection per thread and no such pool.)
    in_memory = make_url(url).database in (None, "", ":memory:")
    pool: dict[str, Any] = (
        {} if in_memory else {"pool_size": 24, "max_overflow": 16, "pool_timeout": WAIT_SECONDS}
    )
    engine = create_engine(
        url,
        hide_parameters=True,
        connect_args={"timeout": WAIT_SECONDS, "check_same_thread": False},
        **pool,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(WAIT_SECONDS * 1000)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # What is left of this unit of work's wait, after its turn in the queue (WriterTurn).
        wait = time_left()
        # Set only when it changes (to the 100 ms below), on the driver's own connection (it
        # cannot fail): a writer runs this inside its turn, where each statement through
        # SQLAlchemy's execution machinery was CPU the other writers waited for.
        timeout = max(int(wait * 10) * 100, 50)
        kept = connection.connection.info
        if kept.get("busy_timeout") != timeout:
            connection.connection.dbapi_connection.execute(f"PRAGMA busy_timeout={timeout}")
            kept["busy_timeout"] = timeout
        # A reader marked prereg_read_only (the exports) takes no write lock: in WAL mode
        # it sees one snapshot however long it reads, and writers carry on meanwhile.
        # (Through SQLAlchemy: a lock held by another process fails it as OperationalError.)
        read_only = connection.get_execution_options().get("prereg_read_only", False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def reading_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that only read: on SQLite a plain BEGIN (no write lock, see `_on_begin`), and
    nothing flushed behind a query's back."""
    return sessionmaker(
        engine.execution_options(prereg_read_only=True), expire_on_commit=False, autoflush=False
    )


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config  # loaded only when the schema is to change

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


class OwnConnection:
    """A bulk load on a connection of its own: what it did not commit is rolled back and the
    connection closed on exit, whatever happened."""

    connection: Connection

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.connection.rollback()
        self.connection.close()


def schema_revision(engine: Engine) -> str | None:
    """The migration the schema is at; None for an empty database."""
    from alembic.runtime.migration import MigrationContext  # only `db upgrade` asks

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> None:
    """As `migrate`, but a schema already at the newest migration costs two queries and
    no import of Alembic."""
    head = script_head(MIGRATIONS / "versions")
    if head is not None:
        with engine.connect() as connection:
            if stored_revisions(connection) == {head}:
                return
    migrate(engine)


def migrate(engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration; a schema already at the
    newest costs one query, not a run of Alembic's environment."""
    from alembic import command
    from alembic.script import ScriptDirectory

    config = alembic_config(engine)
    head = ScriptDirectory.from_config(config).get_current_head()
    with engine.connect() as connection:
        if stored_revisions(connection) == {head}:
            return
    if engine.dialect.name != "postgresql":
        command.upgrade(config, "head")
        return
    # A migration may rewrite a large table: none of the request-sized statement limits.
    migrating = create_engine(engine.url, poolclass=NullPool, hide_parameters=True)
    try:
        command.upgrade(alembic_config(migrating), "head")
    finally:
        migrating.dispose()


MIN_FREE_BYTES = 256 * 1024
"""Below this much free space beside a SQLite file, writes are about to fail: not healthy."""


def _disk_nearly_full(path: str | None) -> bool:
    if not path or path == ":memory:":
        return False
    return shutil.disk_usage(Path(path).resolve().parent).free < MIN_FREE_BYTES


def is_reachable(engine: Engine) -> bool:
    """The database answers, and on SQLite one could write now (another process may hold the
    file's write lock, which readers do not notice; the disk may be full), and PostgreSQL
    has not just refused a write for lack of disk or memory."""
    if short_of_resources(engine):
        return False
    try:
        if engine.dialect.name == "sqlite":
            if _disk_nearly_full(engine.url.database):
                return False
            with engine.begin() as connection:  # BEGIN IMMEDIATE, within the busy timeout
                connection.execute(text("SELECT 1"))
        else:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
