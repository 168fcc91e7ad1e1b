"""opportunities carry amount, currency, close date, stage and notes; request keys

Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"


def upgrade() -> None:
    with op.batch_alter_table("opportunities") as batch:
        batch.alter_column("title", new_column_name="name", existing_type=sa.String(200))
        batch.add_column(sa.Column("amount_cents", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("currency", sa.String(length=3), nullable=True))
        batch.add_column(sa.Column("close_date", sa.Date(), nullable=True))
        # Opportunities made before had no stage: they are at the first one.
        batch.add_column(
            sa.Column("stage", sa.String(length=20), nullable=False, server_default="qualification")
        )
        batch.add_column(sa.Column("notes", sa.Text(), nullable=True))
        batch.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "idempotency_keys",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("use_case", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_idempotency_keys")),
    )
    op.create_index(
        op.f("ix_idempotency_keys_created_at"), "idempotency_keys", ["created_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_idempotency_keys_created_at"), table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
    with op.batch_alter_table("opportunities") as batch:
        batch.drop_column("updated_at")
        batch.drop_column("notes")
        batch.drop_column("stage")
        batch.drop_column("close_date")
        batch.drop_column("currency")
        batch.drop_column("amount_cents")
        batch.alter_column("name", new_column_name="title", existing_type=sa.String(200))
