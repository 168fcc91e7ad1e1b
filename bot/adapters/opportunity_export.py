"""Opportunities out as CSV or JSON, streamed like the registrations (bot.adapters.export):
one joined read on a server-side cursor, rows written as they come."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, select

from bot.adapters.export import (
    FORMULA_START,
    Record,
    _moment,
    as_stored,
    guarded,
    streamed,
    utc_text,
)
from bot.adapters.orm import OpportunityRow, RegistrationRow

COLUMNS = (
    "id",
    "registration_id",
    "partner_id",
    "customer_name",
    "name",
    "amount",
    "currency",
    "close_date",
    "stage",
    "open",
    "notes",
    "created_by",
    "created_at",
    "updated_at",
)


def opportunity_records(connection: Connection, partner_id: str | None = None) -> Iterator[Record]:
    """In id order, on a read-only transaction that leaves writers alone."""
    for row in _stored_rows(connection, partner_id, plain=False):
        (id_, registration, partner, customer, name, cents, currency, close, stage, *rest) = row
        notes, by, created, updated = rest
        yield {
            "id": id_,
            "registration_id": registration,
            "partner_id": partner,
            "customer_name": customer,
            "name": name,
            # A string: exact in JSON too (a float would not be).
            "amount": f"{Decimal(cents) / 100:.2f}" if cents is not None else None,
            "currency": currency,
            "close_date": close.isoformat() if close is not None else None,
            "stage": stage,
            "open": "false" if stage in _CLOSED else "true",
            "notes": notes,
            "created_by": by,
            "created_at": _moment(created),
            "updated_at": _moment(updated),
        }


def opportunity_csv_rows(
    connection: Connection, partner_id: str | None = None
) -> Iterator[tuple[str, ...]]:
    """The cells of write_csv(opportunity_records(…), columns=COLUMNS), built straight
    from the values as the driver hands them over (see export.csv_rows), texts empty
    instead of NULL already."""
    s, g, when = FORMULA_START, guarded, utc_text
    for row in _stored_rows(connection, partner_id, plain=True):
        (id_, registration, partner, customer, name, cents, currency, close, stage, *rest) = row
        notes, by, created, updated = rest
        yield (
            str(id_),
            str(registration),
            g(partner) if partner.startswith(s) else partner,
            g(customer) if customer.startswith(s) else customer,
            g(name) if name.startswith(s) else name,
            _amount(cents),
            g(currency) if currency.startswith(s) else currency,
            close if isinstance(close, str) else close.isoformat() if close is not None else "",
            g(stage) if stage.startswith(s) else stage,
            "false" if stage in _CLOSED else "true",
            g(notes) if notes.startswith(s) else notes,
            g(by) if by.startswith(s) else by,
            when(created),
            when(updated),
        )


_CLOSED = ("won", "lost")


def _amount(cents: int | None) -> str:
    """f"{Decimal(cents) / 100:.2f}" with the formula guard, in integers."""
    if cents is None:
        return ""
    whole, hundredths = divmod(abs(cents), 100)
    return f"'-{whole}.{hundredths:02d}" if cents < 0 else f"{whole}.{hundredths:02d}"


def _stored_rows(connection: Connection, partner_id: str | None, plain: bool) -> Iterator[Any]:
    opp, reg = OpportunityRow.__table__, RegistrationRow.__table__
    columns = [
        opp.c.id,
        opp.c.registration_id,
        reg.c.partner_id,
        reg.c.customer_name,
        opp.c.name,
        opp.c.amount_cents,
        opp.c.currency,
        opp.c.close_date,
        opp.c.stage,
        opp.c.notes,
        opp.c.created_by,
        opp.c.created_at,
        opp.c.updated_at,
    ]
    query = (
        select(*(as_stored(c, connection.dialect.name) for c in columns) if plain else columns)
        .join(reg, reg.c.id == opp.c.registration_id)
        .order_by(opp.c.id)
    )
    if partner_id is not None:
        query = query.where(reg.c.partner_id == partner_id)
    yield from streamed(connection, query, plain)
