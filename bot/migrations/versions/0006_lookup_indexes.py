"""plain indexes for the conflict lookups

The partial unique indexes on email and mobile keep exclusivity, but a query whose
`status IN (…)` is bound as parameters cannot use them (SQLite never, PostgreSQL not
in a generic plan), so every submission scanned the registrations table.

Create Date: 2026-12-01
"""

from alembic import op

revision: str = "0006"
down_revision: str | None = "0003"


def upgrade() -> None:
    op.create_index("ix_registrations_email", "registrations", ["email"])
    op.create_index("ix_registrations_mobile", "registrations", ["mobile"])


def downgrade() -> None:
    op.drop_index("ix_registrations_mobile", table_name="registrations")
    op.drop_index("ix_registrations_email", table_name="registrations")
