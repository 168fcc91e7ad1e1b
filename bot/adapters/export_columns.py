"""The opportunities export's columns, in a module of their own: the command line's help
names them without loading SQLAlchemy (bot.adapters.opportunity_export writes them)."""

from __future__ import annotations

OPPORTUNITY_COLUMNS = (
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
