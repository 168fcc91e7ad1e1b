"""The database away during a submission: the partner is answered within Slack's 3 s that the
service is busy and nothing was saved, /healthz says 503, and both recover without a restart.

SQLite: another process holds the file's write lock; the disk is full (a tiny tmpfs).
PostgreSQL: a server of the test's own is stopped and started again; the server refuses
inserts as it does when its disk is full (SQLSTATE 53100, raised by a trigger).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.services.errors import BUSY
from tests.conftest import POSTGRES_REQUIRED, missing, postgres_url, reset_postgres, sqlite_url
from tests.e2e.conftest import Bot
from tests.e2e.preregister_steps import CUSTOMER, database_state, open_form, registrations
from tests.e2e.test_hostile_requests import health
from tests.pg_server import ThrowawayPostgres, find_bin

LOCKER = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
connection.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()
connection.execute("ROLLBACK")
"""


@pytest.fixture(scope="module")
def own_postgres() -> Iterator[ThrowawayPostgres]:
    bin_dir = find_bin()
    if bin_dir is None:
        missing(
            "PostgreSQL's binaries (initdb, pg_ctl) are not installed", required=POSTGRES_REQUIRED
        )
    server = ThrowawayPostgres(bin_dir)
    try:
        yield server
    finally:
        server.remove()


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return sqlite_url(tmp_path)
    if request.param == "full-disk":
        return str(request.getfixturevalue("full_disk_url"))
    if request.param == "postgresql":
        return postgres_url()
    server: ThrowawayPostgres = request.getfixturevalue("own_postgres")
    reset_postgres(server.url)
    return server.url


def busy_answer_within_3_s(bot: Bot) -> None:
    reply = bot.driver.submit_view("UACME1", CUSTOMER)
    assert reply.status == 200
    assert reply.elapsed < 3
    # In words, in the modal: as a field error or as the modal's new content.
    assert reply.json["response_action"] in ("errors", "update")
    assert BUSY in json.dumps(reply.json)


def submits_once_it_is_back(bot: Bot) -> None:
    bot.wait_until(lambda: health(bot) == 200, timeout=15)
    if "Customer name" not in bot.text_of(bot.modal("UACME1")):
        open_form(bot)  # the busy answer replaced the form: the partner starts it again
    reply = bot.driver.submit_view("UACME1", CUSTOMER)
    assert reply.json["response_action"] == "update", reply.json
    assert registrations(bot) == [("acme", "preregistered", "it@kunde.de")]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_sqlite_locked_by_another_process(bot: Bot, database_url: str) -> None:
    open_form(bot)
    before = database_state(bot)
    path = database_url.removeprefix("sqlite:///")
    locker = subprocess.Popen(
        [sys.executable, "-c", LOCKER, path],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": ""},
    )
    try:
        assert locker.stdout is not None and locker.stdout.readline().strip() == "locked"
        assert health(bot) == 503
        busy_answer_within_3_s(bot)
    finally:
        assert locker.stdin is not None
        locker.stdin.write("\n")
        locker.stdin.close()
        locker.wait(10)
    assert database_state(bot) == before  # nothing was saved, as the answer said
    submits_once_it_is_back(bot)


@pytest.mark.parametrize("database_url", ["own-postgresql"], indirect=True)
def test_postgresql_stopped_and_started_again(bot: Bot, own_postgres: ThrowawayPostgres) -> None:
    open_form(bot)
    before = database_state(bot)
    own_postgres.stop()
    try:
        assert health(bot) == 503
        busy_answer_within_3_s(bot)
        assert health(bot) == 503
    finally:
        own_postgres.start()
    assert database_state(bot) == before
    submits_once_it_is_back(bot)


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB tmpfs of the test's own (needs root, as CI runs)."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


@pytest.fixture
def full_disk_url(tiny_disk: Path) -> str:
    return f"sqlite:///{tiny_disk / 'prereg.db'}"


def fill(disk: Path) -> Path:
    filler = disk / "filler"
    # Unbuffered: a buffered file would flush what did not fit once more at close, and that
    # failure would escape the loop (it depends on how the free space divides into writes).
    with filler.open("wb", buffering=0) as sink:
        try:
            while True:
                sink.write(b"\0" * 65536)
                sink.flush()
        except OSError:
            pass
    return filler


@pytest.mark.parametrize("database_url", ["full-disk"], indirect=True)
def test_sqlite_on_a_full_disk(bot: Bot, database_url: str) -> None:
    disk = Path(database_url.removeprefix("sqlite:///")).parent
    open_form(bot)
    before = database_state(bot)
    filler = fill(disk)
    try:
        assert health(bot) == 503
        busy_answer_within_3_s(bot)
    finally:
        filler.unlink()
    assert database_state(bot) == before
    submits_once_it_is_back(bot)


DISK_FULL = """
CREATE FUNCTION refuse_for_lack_of_space() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full';
END $$;
CREATE TRIGGER disk_full BEFORE INSERT ON registrations
    FOR EACH ROW EXECUTE FUNCTION refuse_for_lack_of_space();
"""


@contextmanager
def disk_full(url: str) -> Iterator[None]:
    """Inserts into registrations fail as on a full disk, with the server's own error."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text(DISK_FULL))
        yield
    finally:
        with engine.begin() as connection:
            connection.execute(text("DROP TRIGGER IF EXISTS disk_full ON registrations"))
            connection.execute(text("DROP FUNCTION IF EXISTS refuse_for_lack_of_space()"))
        engine.dispose()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_postgresql_out_of_disk_space(bot: Bot, database_url: str) -> None:
    open_form(bot)
    before = database_state(bot)
    assert health(bot) == 200
    with disk_full(database_url):
        busy_answer_within_3_s(bot)
        assert health(bot) == 503  # SELECT 1 still works; the refused write is what counts
    assert database_state(bot) == before
    # Room again: the next submission is saved, and its write makes /healthz 200 at once.
    if "Customer name" not in bot.text_of(bot.modal("UACME1")):
        open_form(bot)
    reply = bot.driver.submit_view("UACME1", CUSTOMER)
    assert reply.json["response_action"] == "update", reply.json
    assert registrations(bot) == [("acme", "preregistered", "it@kunde.de")]
    assert health(bot) == 200
