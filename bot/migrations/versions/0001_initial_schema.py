"""initial schema

Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None


def upgrade() -> None:
    op.create_table(
        "directory_entries",
        sa.Column("key", sa.String(length=340), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("mobile", sa.String(length=20), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("site", sa.String(length=8), nullable=True),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("associated_partner_id", sa.String(length=64), nullable=True),
        sa.Column("has_contract", sa.Boolean(), nullable=True),
        sa.Column("has_spend", sa.Boolean(), nullable=True),
        sa.Column("direct_sales_followup", sa.Boolean(), nullable=True),
        sa.Column("online_sales", sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_directory_entries")),
    )
    with op.batch_alter_table("directory_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_directory_entries_email"), ["email"], unique=False)
        batch_op.create_index(batch_op.f("ix_directory_entries_mobile"), ["mobile"], unique=False)

    op.create_table(
        "partners",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("mobile", sa.String(length=20), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partners")),
    )
    op.create_table(
        "partner_users",
        sa.Column("slack_user_id", sa.String(length=32), nullable=False),
        sa.Column("partner_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_partner_users_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("slack_user_id", name=op.f("pk_partner_users")),
    )
    with op.batch_alter_table("partner_users", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_partner_users_partner_id"), ["partner_id"], unique=False
        )

    op.create_table(
        "registrations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("partner_id", sa.String(length=64), nullable=False),
        sa.Column("customer_name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("mobile", sa.String(length=20), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("industry", sa.String(length=100), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("justification", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_due", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=32), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_registrations_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registrations")),
    )
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_registrations_partner_status", ["partner_id", "status"], unique=False
        )
        batch_op.create_index(
            "ix_registrations_status_valid_until", ["status", "valid_until"], unique=False
        )
        batch_op.create_index(
            "uq_registrations_active_email",
            ["email"],
            unique=True,
            sqlite_where=sa.text("status IN ('pending_review', 'preregistered')"),
            postgresql_where=sa.text("status IN ('pending_review', 'preregistered')"),
        )
        batch_op.create_index(
            "uq_registrations_active_mobile",
            ["mobile"],
            unique=True,
            sqlite_where=sa.text("status IN ('pending_review', 'preregistered')"),
            postgresql_where=sa.text("status IN ('pending_review', 'preregistered')"),
        )

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=True),
        sa.Column("partner_id", sa.String(length=64), nullable=True),
        sa.Column("registration_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_audit_log_registration_id_registrations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_partner_id"), ["partner_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_log_registration_id"), ["registration_id"], unique=False
        )

    op.create_table(
        "opportunities",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_opportunities_registration_id_registrations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opportunities")),
    )
    with op.batch_alter_table("opportunities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_opportunities_registration_id"), ["registration_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("opportunities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_opportunities_registration_id"))

    op.drop_table("opportunities")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_registration_id"))
        batch_op.drop_index(batch_op.f("ix_audit_log_partner_id"))

    op.drop_table("audit_log")
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_registrations_active_mobile",
            sqlite_where=sa.text("status IN ('pending_review', 'preregistered')"),
            postgresql_where=sa.text("status IN ('pending_review', 'preregistered')"),
        )
        batch_op.drop_index(
            "uq_registrations_active_email",
            sqlite_where=sa.text("status IN ('pending_review', 'preregistered')"),
            postgresql_where=sa.text("status IN ('pending_review', 'preregistered')"),
        )
        batch_op.drop_index("ix_registrations_status_valid_until")
        batch_op.drop_index("ix_registrations_partner_status")

    op.drop_table("registrations")
    with op.batch_alter_table("partner_users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_users_partner_id"))

    op.drop_table("partner_users")
    op.drop_table("partners")
    with op.batch_alter_table("directory_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_directory_entries_mobile"))
        batch_op.drop_index(batch_op.f("ix_directory_entries_email"))

    op.drop_table("directory_entries")
