"""Claim owners: a process on this host is judged dead only when it certainly is."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

from bot.adapters.process_identity import current_owner, is_dead


def test_a_live_process_and_this_one_are_not_dead() -> None:
    assert not is_dead(current_owner())
    with subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=-1) as p:
        host = current_owner().rsplit(":", 2)[0]
        stat = Path(f"/proc/{p.pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
        assert not is_dead(f"{host}:{p.pid}:{stat}")
        assert is_dead(f"{host}:{p.pid}:{int(stat) + 1}"), "the pid reused by another process"
        p.communicate(b"")
    assert is_dead(f"{host}:{p.pid}:{stat}")


def test_owners_elsewhere_or_unreadable_are_never_judged() -> None:
    assert not is_dead(f"not-{socket.gethostname()}:1:1")
    assert not is_dead("garbage")
    assert not is_dead("")
