"""Acked work not yet finished: taken up again by any instance if the one that acked it stops.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "srm_work",
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("accepted_at", sa.Float, nullable=False),
        sa.Column("owner", sa.String(64)),
        sa.Column("lease_until", sa.Float, nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("srm_work")
