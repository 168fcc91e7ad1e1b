"""Opportunities out as CSV or JSON, streamed like the registrations (bot.adapters.export):
one joined read on a server-side cursor, rows written as they come."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any, TextIO

from sqlalchemy import Connection, Select, Text, case, func, select, type_coerce

from bot.adapters.export import Record, _moment, streamed
from bot.adapters.export_columns import OPPORTUNITY_COLUMNS
from bot.adapters.export_sql import (
    amount,
    guarded,
    labelled_select,
    moment,
    number,
    write_query_csv,
)
from bot.adapters.orm import OpportunityRow, RegistrationRow

COLUMNS = OPPORTUNITY_COLUMNS


def opportunity_records(connection: Connection, partner_id: str | None = None) -> Iterator[Record]:
    """In id order, on a read-only transaction that leaves writers alone."""
    for row in _stored_rows(connection, partner_id):
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


def write_opportunities_csv(
    connection: Connection, out: TextIO, partner_id: str | None = None
) -> None:
    """What write_csv(opportunity_records(…), columns=COLUMNS) writes, the cells made by
    the database (see export.write_registrations_csv)."""
    o, r, d = OpportunityRow.__table__.c, RegistrationRow.__table__.c, connection.dialect.name
    cells = [
        number(o.id),
        number(o.registration_id),
        guarded(r.partner_id, d),
        guarded(r.customer_name, d),
        guarded(o.name, d),
        amount(o.amount_cents),
        guarded(o.currency, d),
        func.to_char(o.close_date, "YYYY-MM-DD")
        if d == "postgresql"
        else type_coerce(o.close_date, Text),
        guarded(o.stage, d),
        case((o.stage.in_(_CLOSED), "false"), else_="true"),
        guarded(o.notes, d),
        guarded(o.created_by, d),
        moment(o.created_at, d),
        moment(o.updated_at, d),
    ]
    query = _picked(labelled_select(cells, COLUMNS), partner_id)
    texts = [r.partner_id, r.customer_name, o.name, o.currency, o.stage, o.notes, o.created_by]
    write_query_csv(connection, query, texts, out, COLUMNS, _TYPED)


# The cells that hold what a person typed (the stage too: the JSON path guards it alike).
_TYPED = ("partner_id", "customer_name", "name", "currency", "stage", "notes", "created_by")


_CLOSED = ("won", "lost")


def _stored_rows(connection: Connection, partner_id: str | None) -> Iterator[Any]:
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
    yield from streamed(connection, _picked(select(*columns), partner_id))


def _picked(query: Select[Any], partner_id: str | None) -> Select[Any]:
    opp, reg = OpportunityRow.__table__, RegistrationRow.__table__
    query = query.join_from(opp, reg, reg.c.id == opp.c.registration_id).order_by(opp.c.id)
    if partner_id is not None:
        query = query.where(reg.c.partner_id == partner_id)
    return query
