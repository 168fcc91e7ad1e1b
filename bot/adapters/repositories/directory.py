"""The cloud's customer directory and its row mapping."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.adapters.orm import DirectoryEntryRow
from bot.domain.model import CustomerFacts
from bot.services.directory import ImportCounts, account_key, facts_of
from bot.services.ports import Upsert


class SqlDirectory:
    def __init__(self, session: Session) -> None:
        self.session = session

    def matching(self, email: str | None, mobile: str | None) -> Sequence[CustomerFacts]:
        same = []
        if email:
            same.append(DirectoryEntryRow.email == email)
        if mobile:
            same.append(DirectoryEntryRow.mobile == mobile)
        if not same:
            return []
        query = select(DirectoryEntryRow).where(or_(*same)).order_by(DirectoryEntryRow.key)
        return [facts_from_row(row) for row in self.session.scalars(query)]

    def upsert_many(self, facts: Sequence[CustomerFacts]) -> ImportCounts:
        # Imported here: the bulk module builds on this one's row mapping.
        from bot.adapters.directory_bulk import upsert_facts

        return upsert_facts(self.session.connection(), facts)

    def upsert(self, facts: CustomerFacts) -> Upsert:
        key = directory_key(facts)
        values = facts_values(facts)
        row = self.session.get(DirectoryEntryRow, key)
        if row is None:
            self.session.add(DirectoryEntryRow(key=key, **values))
            return "inserted"
        if all(getattr(row, name) == value for name, value in values.items()):
            return "unchanged"
        for name, value in values.items():
            setattr(row, name, value)
        return "updated"


def facts_from_row(row: DirectoryEntryRow) -> CustomerFacts:
    return facts_of(row)


def facts_values(facts: CustomerFacts) -> dict[str, Any]:
    return {
        "email": facts.email,
        "mobile": facts.mobile,
        "name": facts.name,
        "site": facts.site.value if facts.site else None,
        "registered_at": facts.registered_at,
        "country": facts.country,
        "associated_partner_id": facts.associated_partner_id,
        "has_contract": facts.has_contract,
        "has_spend": facts.has_spend,
        "direct_sales_followup": facts.direct_sales_followup,
        "online_sales": facts.online_sales,
    }


def directory_key(facts: CustomerFacts) -> str:
    return account_key(facts.email, facts.mobile)
