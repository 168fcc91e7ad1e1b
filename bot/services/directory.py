"""Use case: load the cloud's customer facts that the eligibility rules read."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import islice

from bot.domain.model import CustomerFacts
from bot.services.ports import UnitOfWork

# One transaction per batch, not per file: on SQLite a transaction holds the only write
# lock, and a long import must not stall the bot's own writes. A half-done import is
# safe to run again, since a second run changes nothing that the first one loaded.
BATCH = 500


@dataclass(frozen=True)
class ImportCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    def __add__(self, other: ImportCounts) -> ImportCounts:
        return ImportCounts(
            self.inserted + other.inserted,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
        )


def import_directory(
    rows: Iterable[CustomerFacts], uow: UnitOfWork, batch: int = BATCH
) -> ImportCounts:
    """Insert or update each account; rows equal to what is stored count as unchanged."""
    total = ImportCounts()
    remaining = iter(rows)
    while chunk := list(islice(remaining, batch)):
        total += _import_batch(chunk, uow)
    return total


def _import_batch(rows: Sequence[CustomerFacts], uow: UnitOfWork) -> ImportCounts:
    with uow:
        done = Counter(uow.directory.upsert(facts) for facts in rows)
        uow.commit()
    return ImportCounts(done["inserted"], done["updated"], done["unchanged"])
