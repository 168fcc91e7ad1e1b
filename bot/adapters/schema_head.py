"""Whether the schema is at the newest migration, answered without loading Alembic.

Every command starts by asking; Alembic's script directory imports each migration and
Alembic itself takes longer to import than the rest of a command runs. The head is read
from the migration files' `revision` / `down_revision` lines; anything this simple
reading cannot be sure of (a merge, two heads, an unusual line) answers None, and the
caller asks Alembic.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import Connection, inspect, text

_LINE = re.compile(
    r"^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(?:\"(\w+)\"|'(\w+)'|(None))\s*$", re.M
)


def script_head(versions: Path) -> str | None:
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in versions.glob("[!_]*.py"):
        found = {name: (a or b or None) for name, a, b, _ in _LINE.findall(path.read_text())}
        if "revision" not in found or "down_revision" not in found or not found["revision"]:
            return None
        revisions.add(found["revision"])
        if found["down_revision"]:
            parents.add(found["down_revision"])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 and parents <= revisions else None


def stored_revisions(connection: Connection) -> set[str]:
    """What alembic_version records; empty on a database never upgraded."""
    if not inspect(connection).has_table("alembic_version"):
        return set()
    return set(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())
