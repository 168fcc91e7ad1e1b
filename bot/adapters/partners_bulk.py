"""Set-based upserts of partner companies: a batch costs two reads (its companies, its
Slack users' links) and three executemany writes (new companies, changed ones, new
links), whatever its size."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any, Self

from sqlalchemy import Engine, Table, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from bot.adapters.database import OwnConnection
from bot.adapters.orm import PartnerRow, PartnerUserRow
from bot.services.directory import BadRow, ImportCounts
from bot.services.partner_import import Company, LoadedCompanies
from bot.services.partners import SlackUserTaken
from bot.services.ports import Conflict

PARTNERS: Table = PartnerRow.__table__  # type: ignore[assignment]
LINKS: Table = PartnerUserRow.__table__  # type: ignore[assignment]
FIELDS = ("name", "country", "email", "mobile")
# Well under SQLite's limit of bound parameters in one statement.
IN_CHUNK = 5000
TRIES = 3

_UPDATE = (
    update(PARTNERS)
    .where(PARTNERS.c.id == bindparam("b_id"))
    .values({name: bindparam(f"b_{name}") for name in FIELDS})
)


class SqlPartnerLoad(OwnConnection):
    """One import over one connection of its own, one transaction per batch."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime]) -> None:
        self.engine = engine
        self.clock = clock

    def __enter__(self) -> Self:
        self.connection = self.engine.connect()
        return self

    def load(self, companies: Sequence[Company]) -> LoadedCompanies:
        # A concurrent `partners add` or `link` may take an id or a user between our
        # read and our write (PostgreSQL); the batch is then read and decided again.
        for attempt in range(TRIES):
            try:
                done = self._load(companies)
                self.connection.commit()
                return done
            except IntegrityError as lost:
                self.connection.rollback()
                if attempt == TRIES - 1:
                    raise Conflict(str(lost.orig)) from lost
            except BaseException:
                self.connection.rollback()
                raise
        raise AssertionError("unreachable")

    def _load(self, companies: Sequence[Company]) -> LoadedCompanies:
        stored = self._stored([c.partner.id for c in companies])
        owners = self._owners([u for c in companies for u in c.partner.slack_user_ids])
        inserted: list[dict[str, Any]] = []
        updated: list[dict[str, Any]] = []
        links: list[dict[str, str]] = []
        refused: list[BadRow] = []
        linked_only = unchanged = 0
        now = self.clock()
        for company in companies:
            partner = company.partner
            taken = [
                str(SlackUserTaken(user, owners[user]))
                for user in partner.slack_user_ids
                if owners.get(user, partner.id) != partner.id
            ]
            if taken:
                refused.append(BadRow(company.line, "; ".join(taken)))
                continue
            new_links = [u for u in partner.slack_user_ids if u not in owners]
            links += [{"slack_user_id": u, "partner_id": partner.id} for u in new_links]
            values = {name: getattr(partner, name) for name in FIELDS}
            before = stored.get(partner.id)
            if before is None:
                inserted.append({"id": partner.id, **values, "created_at": now})
            elif before != tuple(values.values()):
                updated.append({"b_id": partner.id, **{f"b_{k}": v for k, v in values.items()}})
            elif new_links:
                linked_only += 1
            else:
                unchanged += 1
        if inserted:
            self.connection.execute(insert(PARTNERS), inserted)
        if updated:
            self.connection.execute(_UPDATE, updated)
        if links:
            self.connection.execute(insert(LINKS), links)
        counts = ImportCounts(len(inserted), len(updated) + linked_only, unchanged)
        return LoadedCompanies(counts, refused)

    def _stored(self, ids: list[str]) -> dict[str, tuple[Any, ...]]:
        columns = [PARTNERS.c[name] for name in FIELDS]
        found: dict[str, tuple[Any, ...]] = {}
        for part in _chunks(ids):
            query = select(PARTNERS.c.id, *columns).where(PARTNERS.c.id.in_(part))
            for row in self.connection.execute(query):
                found[row[0]] = tuple(row[1:])
        return found

    def _owners(self, users: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for part in _chunks(users):
            query = select(LINKS.c.slack_user_id, LINKS.c.partner_id).where(
                LINKS.c.slack_user_id.in_(part)
            )
            found.update((user, owner) for user, owner in self.connection.execute(query))
        return found


def _chunks(values: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), IN_CHUNK):
        yield values[start : start + IN_CHUNK]
