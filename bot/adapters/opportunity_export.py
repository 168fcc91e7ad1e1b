"""Opportunities out as CSV or JSON, streamed like the registrations (bot.adapters.export):
one joined read on a server-side cursor, rows written as they come."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from sqlalchemy import Connection, select

from bot.adapters.export import BATCH, Record, _moment
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
    opp, reg = OpportunityRow.__table__, RegistrationRow.__table__
    query = (
        select(
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
        )
        .join(reg, reg.c.id == opp.c.registration_id)
        .order_by(opp.c.id)
    )
    if partner_id is not None:
        query = query.where(reg.c.partner_id == partner_id)
    reading = connection.execution_options(
        stream_results=True, yield_per=BATCH, prereg_read_only=True
    )
    for row in reading.execute(query):
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
            "open": "false" if stage in ("won", "lost") else "true",
            "notes": notes,
            "created_by": by,
            "created_at": _moment(created),
            "updated_at": _moment(updated),
        }
