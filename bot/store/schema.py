"""The tables srm-bot keeps; changed only through a migration in migrations/versions/."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()
VERSION_TABLE = "srm_schema_version"  # Alembic's, renamed: the database may be shared with other apps
HEAD_REVISION = "0003"  # the newest file in migrations/versions/ (a test keeps the two in step)

# Keys of things done once across every instance: answered events and messages (Slack re-delivers).
claims = sa.Table(
    "srm_claims",
    metadata,
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("claimed_at", sa.Float, nullable=False, index=True),  # epoch seconds, for expiry
)

# Questions the bot could not answer well: the knowledge-gap report reads these.
questions = sa.Table(
    "srm_questions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("asked_at", sa.DateTime, nullable=False, index=True),  # UTC
    sa.Column("team", sa.String(32)),
    sa.Column("surface", sa.String(16), nullable=False),  # slash, mention, dm
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("service", sa.String(64)),
    sa.Column("topic", sa.String(64)),
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Column("unknown_service", sa.String(64)),  # "quicksight" in "who patches Amazon QuickSight?"
    sa.Column("text_hash", sa.String(64), nullable=False),
    sa.Column("text", sa.Text),  # only with SRM_STORE_QUESTIONS=true
)

feedback = sa.Table(
    "srm_feedback",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("given_at", sa.DateTime, nullable=False, index=True),
    sa.Column("team", sa.String(32)),
    sa.Column("user_id", sa.String(32), nullable=False),
    sa.Column("service", sa.String(64)),
    sa.Column("topic", sa.String(64)),
    sa.Column("helpful", sa.Boolean, nullable=False),
    sa.Column("reason", sa.String(16)),  # what was wrong, from the "Not helpful" form: owner, service, missing, other
    sa.Column("comment", sa.Text),  # the asker's own words, kept as given for the gap report
)

quiz_scores = sa.Table(
    "srm_quiz_scores",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("finished_at", sa.DateTime, nullable=False),
    sa.Column("team", sa.String(32)),
    sa.Column("user_id", sa.String(32), nullable=False, index=True),
    sa.Column("score", sa.Integer, nullable=False),
    sa.Column("total", sa.Integer, nullable=False),
)

# Work acked and not yet finished (the request body, to run it again): removed when done; a row whose
# lease has run out (its instance stopped heart-beating) is taken up by any instance.
work = sa.Table(
    "srm_work",
    metadata,
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("body", sa.Text, nullable=False),  # the Slack payload as JSON
    sa.Column("accepted_at", sa.Float, nullable=False),  # epoch seconds
    sa.Column("owner", sa.String(64)),  # the instance working on it
    sa.Column("lease_until", sa.Float, nullable=False, index=True),  # epoch seconds
)
