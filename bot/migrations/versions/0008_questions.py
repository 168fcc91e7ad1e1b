"""a reviewer's question to the partner (need more info)

Revision ID: 0008
Revises: 0003
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("registrations") as batch:
        batch.add_column(sa.Column("question", sa.Text(), nullable=True))
        batch.add_column(sa.Column("question_asked_by", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("question_asked_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("question_remind_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("question_lapses_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("registrations") as batch:
        for column in (
            "question_lapses_at",
            "question_remind_at",
            "question_asked_at",
            "question_asked_by",
            "question",
        ):
            batch.drop_column(column)
