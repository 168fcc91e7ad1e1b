"""A throwaway PostgreSQL server of a test's own, which the test may stop and start.

Like .ci/run: initdb into a temporary folder, `pg_ctl` on a free loopback port, as the
postgres user when we are root (initdb and pg_ctl refuse to run as root).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

LOG_NAME = "postgresql-server.txt"  # not *.log: the log-privacy check reads only the bot's logs


def find_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return Path(found[-1]).parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl else None


class ThrowawayPostgres:
    def __init__(self, bin_dir: Path) -> None:
        self.bin = bin_dir
        # A short path: the unix socket's must stay under ~100 bytes.
        self.home = Path(tempfile.mkdtemp(prefix="prereg-pg-", dir="/tmp"))
        self.data = self.home / "data"
        self.port = _free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.home, "postgres")
        self.home.chmod(0o700)
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "--username=postgres",
            "--encoding=UTF8",
            "--no-locale",
            "--auth-host=trust",
            "--auth-local=trust",
        )
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\nlisten_addresses = '127.0.0.1'\nport = {self.port}\n"
                f"unix_socket_directories = '{self.home}'\nfsync = off\n"
                "synchronous_commit = off\nfull_page_writes = off\n"
            )
        self.start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "prereg")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/prereg"

    def start(self) -> None:
        log = self.home / LOG_NAME
        self._run("pg_ctl", "-D", str(self.data), "-l", str(log), "-w", "-t", "60", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def remove(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self.stop()
        finally:
            shutil.rmtree(self.home, ignore_errors=True)

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bin / tool), *args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(
            command, cwd=self.home, check=True, capture_output=True, timeout=120, stdin=None
        )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
