"""extensions a partner took itself; when a registration ended

Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"


def upgrade() -> None:
    with op.batch_alter_table("registrations") as batch:
        batch.add_column(
            sa.Column("extensions", sa.Integer(), server_default=sa.text("0"), nullable=False)
        )
        batch.add_column(sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index(
            "ix_registrations_partner_ended_at", ["partner_id", "ended_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("registrations") as batch:
        batch.drop_index("ix_registrations_partner_ended_at")
        batch.drop_column("ended_at")
        batch.drop_column("extensions")
