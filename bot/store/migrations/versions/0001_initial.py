"""Initial tables: claims, questions, feedback, quiz scores.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "srm_claims",
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("claimed_at", sa.Float, nullable=False, index=True),
    )
    op.create_table(
        "srm_questions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("asked_at", sa.DateTime, nullable=False, index=True),
        sa.Column("team", sa.String(32)),
        sa.Column("surface", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("service", sa.String(64)),
        sa.Column("topic", sa.String(64)),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("unknown_service", sa.String(64)),
        sa.Column("text_hash", sa.String(64), nullable=False),
        sa.Column("text", sa.Text),
    )
    op.create_table(
        "srm_feedback",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("given_at", sa.DateTime, nullable=False, index=True),
        sa.Column("team", sa.String(32)),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("service", sa.String(64)),
        sa.Column("topic", sa.String(64)),
        sa.Column("helpful", sa.Boolean, nullable=False),
    )
    op.create_table(
        "srm_quiz_scores",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("finished_at", sa.DateTime, nullable=False),
        sa.Column("team", sa.String(32)),
        sa.Column("user_id", sa.String(32), nullable=False, index=True),
        sa.Column("score", sa.Integer, nullable=False),
        sa.Column("total", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    for table in ("srm_quiz_scores", "srm_feedback", "srm_questions", "srm_claims"):
        op.drop_table(table)
