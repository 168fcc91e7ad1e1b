"""what each user chose to see on App Home: the refreshes that follow render the same

Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"


def upgrade() -> None:
    with op.batch_alter_table("home_views") as batch:
        batch.add_column(sa.Column("search", sa.String(100), nullable=False, server_default=""))
        batch.add_column(sa.Column("section", sa.String(16), nullable=False, server_default=""))
        batch.add_column(sa.Column("page", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("home_views") as batch:
        batch.drop_column("page")
        batch.drop_column("section")
        batch.drop_column("search")
