"""extension requests to the reviewers; the reviewer's queue filter; decisions by reviewer

Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("registrations") as batch:
        batch.add_column(sa.Column("extension_request_id", sa.Integer(), nullable=True))
    op.create_index("ix_audit_log_actor_at", "audit_log", ["actor", "at"])

    pending = sa.text("status = 'pending'")
    op.create_table(
        "extension_requests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.String(length=64), nullable=False),
        sa.Column("requested_by", sa.String(length=32), nullable=False),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("requested_at", WHEN, nullable=False),
        sa.Column("valid_until", WHEN, nullable=False),
        sa.Column("extensions", sa.Integer(), nullable=False),
        sa.Column("review_due", WHEN, nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("decided_by", sa.String(length=32), nullable=True),
        sa.Column("decided_at", WHEN, nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_extension_requests_registration_id_registrations"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_extension_requests_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extension_requests")),
    )
    op.create_index(
        "uq_extension_requests_pending",
        "extension_requests",
        ["registration_id"],
        unique=True,
        sqlite_where=pending,
        postgresql_where=pending,
    )
    op.create_index(
        "ix_extension_requests_status_due", "extension_requests", ["status", "review_due"]
    )
    op.create_table(
        "queue_filters",
        sa.Column("slack_user_id", sa.String(length=32), nullable=False),
        sa.Column("choice", sa.String(length=16), nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("slack_user_id", name=op.f("pk_queue_filters")),
    )


def downgrade() -> None:
    op.drop_table("queue_filters")
    op.drop_table("extension_requests")
    op.drop_index("ix_audit_log_actor_at", table_name="audit_log")
    with op.batch_alter_table("registrations") as batch:
        batch.drop_column("extension_request_id")
