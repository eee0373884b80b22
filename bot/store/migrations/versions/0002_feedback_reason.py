"""Feedback says what was wrong: a reason (owner, service, missing, other) and a comment.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("srm_feedback", sa.Column("reason", sa.String(16)))
    op.add_column("srm_feedback", sa.Column("comment", sa.Text))


def downgrade() -> None:
    op.drop_column("srm_feedback", "comment")
    op.drop_column("srm_feedback", "reason")
