"""the reviewers' workbench: a question to the partner; the waiting list

Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"


def upgrade() -> None:
    with op.batch_alter_table("registrations") as batch:
        batch.add_column(sa.Column("question", sa.Text(), nullable=True))
        batch.add_column(sa.Column("question_asked_by", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("question_asked_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("question_remind_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("question_lapses_at", sa.DateTime(timezone=True), nullable=True))

    waiting = sa.text("status = 'waiting'")
    op.create_table(
        "waitlist",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("partner_id", sa.String(length=64), nullable=False),
        sa.Column("slack_user_id", sa.String(length=32), nullable=False),
        sa.Column("customer_name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("mobile", sa.String(length=20), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_waitlist_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waitlist")),
    )
    for column in ("email", "mobile"):
        op.create_index(
            f"uq_waitlist_waiting_{column}",
            "waitlist",
            ["partner_id", column],
            unique=True,
            sqlite_where=waiting,
            postgresql_where=waiting,
        )
        op.create_index(f"ix_waitlist_{column}_status", "waitlist", [column, "status"])


def downgrade() -> None:
    op.drop_table("waitlist")
    with op.batch_alter_table("registrations") as batch:
        for column in (
            "question_lapses_at",
            "question_remind_at",
            "question_asked_at",
            "question_asked_by",
            "question",
        ):
            batch.drop_column(column)
