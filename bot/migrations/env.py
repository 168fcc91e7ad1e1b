"""Alembic runs with the application's own engine (see bot.adapters.database.upgrade)."""

from __future__ import annotations

from alembic import context

from bot.adapters.orm import Base

engine = context.config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
