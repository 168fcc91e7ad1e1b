"""Who holds a claim: `host:pid:start`, so that a successor on the same host can tell that the
holder is dead (its pid gone, or reused by a process that started at another moment)."""

from __future__ import annotations

import os
import socket
from functools import cache


def _start_of(pid: int) -> str | None:
    """The kernel's start time of `pid` (clock ticks since boot), None if there is no such
    process. Where /proc is missing, "?" for any live pid."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            # The command name, in parentheses, may hold spaces: fields count from its end.
            return stat.read().rsplit(")", 1)[1].split()[19]
    except FileNotFoundError:
        if os.path.isdir("/proc/self"):
            return None
    except (OSError, IndexError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    return "?"


@cache
def current_owner() -> str:
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_start_of(pid) or '?'}"


def is_dead(owner: str) -> bool:
    """True only when `owner` certainly no longer runs: on this host, its process is gone.
    Owners on other hosts are never judged (their claims run out with the lease)."""
    parts = owner.rsplit(":", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        return False
    host, pid, start = parts
    if host != socket.gethostname() or owner == current_owner():
        return False
    found = _start_of(int(pid))
    return found is None or (start != "?" and found != "?" and found != start)
