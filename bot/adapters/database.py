"""Engines and schema upgrades: SQLite embedded by default, PostgreSQL in production."""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    # A bounded connect: /healthz must answer 503, not hang, when the network drops packets.
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=20,
        connect_args={"connect_timeout": 5},
    )


def _sqlite_engine(url: str) -> Engine:
    # Python's sqlite3 driver would open transactions lazily and deferred; writers then
    # fail instead of queueing. BEGIN IMMEDIATE takes the write lock up front, so every
    # use case runs serialized behind the busy timeout: quota and exclusivity hold.
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A reader marked prereg_read_only (the exports) takes no write lock: in WAL mode
        # it sees one snapshot however long it reads, and writers carry on meanwhile.
        read_only = connection.get_execution_options().get("prereg_read_only", False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def writer_turn(engine: Engine) -> AbstractContextManager[Any] | None:
    """SQLite has one writer at a time. Threads of one process queue on a lock for their
    turn instead of polling SQLite's busy handler, whose sleeps of up to 100 ms let
    unlucky waiters starve for seconds. Other processes still wait on the busy timeout."""
    return threading.RLock() if engine.dialect.name == "sqlite" else None


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration; a schema already at the
    newest costs one query, not a run of Alembic's environment (every command starts so)."""
    config = alembic_config(engine)
    head = ScriptDirectory.from_config(config).get_current_head()
    with engine.connect() as connection:
        if MigrationContext.configure(connection).get_current_revision() == head:
            return
    command.upgrade(config, "head")


def is_reachable(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
