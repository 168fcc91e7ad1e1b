"""A test's database at the newest schema, copied from one migrated once per run.

Running every migration for each of several hundred database tests costs about a second
each; a copy costs a few milliseconds on SQLite and a fraction of a second on PostgreSQL
(CREATE DATABASE … TEMPLATE). The migrations themselves stay tested: the template is built
by them, `test_migrations.py` compares what they build with the ORM, and the tests of
`prereg db upgrade` start from an empty database.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from sqlalchemy import Engine, create_engine, make_url, text

from bot.adapters.database import make_engine, upgrade

_built: dict[str, str] = {}  # a database URL → its migrated template (file or database name)


def migrated(url: str) -> None:
    """Make the (empty) database at `url` a copy of the newest schema."""
    if url.startswith("sqlite"):
        _copy_sqlite(url)
    else:
        _copy_postgres(url)


def _copy_sqlite(url: str) -> None:
    target = Path(make_url(url).database or "")
    if target.exists():
        return  # a test that made its own: keep it
    if "sqlite" not in _built:
        folder = Path(tempfile.mkdtemp(prefix="prereg-schema-"))
        atexit.register(shutil.rmtree, folder, True)
        template = folder / "template.db"
        _migrate(f"sqlite:///{template}")
        _built["sqlite"] = str(template)
    shutil.copyfile(_built["sqlite"], target)


def _copy_postgres(url: str) -> None:
    name = make_url(url).database
    assert name, url
    template = f"{name}_template"
    admin = _admin(url)
    try:
        if url not in _built:
            _recreate(admin, template)
            _migrate(make_url(url).set(database=template).render_as_string(hide_password=False))
            _built[url] = template
        _recreate(admin, name, template)
    finally:
        admin.dispose()


def _admin(url: str) -> Engine:
    """The server's maintenance database: a database is dropped and made from outside it."""
    maintenance = make_url(url).set(database="postgres")
    return create_engine(maintenance, isolation_level="AUTOCOMMIT")


def _recreate(admin: Engine, name: str, template: str | None = None) -> None:
    with admin.connect() as connection:
        # FORCE: an earlier test's connection (a killed server's, a pool's) is no obstacle.
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        copy = f' TEMPLATE "{template}"' if template else ""
        connection.execute(text(f'CREATE DATABASE "{name}"{copy}'))


def _migrate(url: str) -> None:
    engine = make_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
