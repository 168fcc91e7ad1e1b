"""the refreshes already waiting in the outbox are found by kind and recipient, not by reading
every pending row

Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"

WAITING = sa.text("status = 'pending' AND claimed_until IS NULL")


def upgrade() -> None:
    op.create_index(
        "ix_outbox_waiting",
        "outbox",
        ["kind", "recipient"],
        sqlite_where=WAITING,
        postgresql_where=WAITING,
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_waiting", table_name="outbox")
