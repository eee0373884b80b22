"""The SQL store on a real SQLite file and a real PostgreSQL server: claims, records, migrations."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from bot.store import Feedback, QuestionRecord, QuizScore, StoreError, migrations, utc_now
from bot.store.schema import HEAD_REVISION, VERSION_TABLE, metadata
from bot.store.sql import open_store, schema_revision

LONG_AGO = datetime(2000, 1, 1)


def test_a_key_is_claimed_once_across_two_instances(database_url):
    first, second = open_store(database_url), open_store(database_url)
    assert first.claim("event:Ev1") is True
    assert second.claim("event:Ev1") is False
    assert first.claim("event:Ev1") is False
    assert second.claim("event:Ev2") is True


def test_concurrent_claims_have_exactly_one_winner(database_url):
    stores = [open_store(database_url) for _ in range(2)]
    barrier = threading.Barrier(8)

    def claim(n: int) -> bool:
        barrier.wait()
        return stores[n % 2].claim("event:race")

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(claim, range(8)))
    assert results.count(True) == 1


def test_expired_claims_are_purged(database_url):
    store = open_store(database_url)
    store.claim("old")
    store.purge_claims(before=time.time() + 1)
    assert store.claim("old") is True


def test_questions_feedback_and_quiz_scores_round_trip(database_url):
    store = open_store(database_url)
    record = QuestionRecord("slash", "out_of_scope", "decline", None, None, 0.0, "h1", "who patches quicksight?",
                            "quicksight", "T1")  # fmt: skip
    older = QuestionRecord("dm", "ambiguous", "item", "s3", None, 0.5, "h2", asked_at=LONG_AGO)
    store.record_questions([record, older])
    store.record_feedback(Feedback("U1", "ec2", "guest_os_patching", False, "T1"))
    store.record_quiz_score(QuizScore("U1", 3, 5, "T1"))
    store.record_quiz_score(QuizScore("U1", 5, 5, "T1"))
    recent = store.questions(since=utc_now() - timedelta(hours=1))
    assert [(q.surface, q.text, q.unknown_service, q.team) for q in recent] == [
        ("slash", "who patches quicksight?", "quicksight", "T1")
    ]
    assert len(store.questions(since=LONG_AGO)) == 2
    assert store.feedback(since=LONG_AGO) == [Feedback("U1", "ec2", "guest_os_patching", False, "T1")]
    assert store.best_quiz_score("U1") == QuizScore("U1", 5, 5, "T1")
    assert store.best_quiz_score("U2") is None


def test_migrations_build_exactly_the_declared_schema_and_rerun_cleanly(database_url):
    open_store(database_url)
    store = open_store(database_url)  # second start: already at head, nothing to do
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        differences = compare_metadata(context, metadata)
        tables = set(sa.inspect(connection).get_table_names())
    assert differences == []
    assert {"srm_claims", "srm_questions", "srm_feedback", "srm_quiz_scores", "srm_schema_version"} <= tables


def test_head_revision_is_the_newest_migration(database_url):
    script = ScriptDirectory.from_config(_alembic_config())
    assert script.get_current_head() == HEAD_REVISION
    store = open_store(database_url)
    assert schema_revision(store.engine) == HEAD_REVISION


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    return config


def test_an_unreachable_database_is_one_line_without_the_password():
    with pytest.raises(StoreError) as failure:
        open_store("postgresql+psycopg://srm:s3cret@127.0.0.1:9/srm?connect_timeout=2")
    message = str(failure.value)
    assert message.startswith("cannot open the database postgresql+psycopg://srm:***@127.0.0.1:9/srm")
    assert "s3cret" not in message and "\n" not in message


def test_a_url_that_is_not_one_is_named():
    with pytest.raises(StoreError, match="is not a database URL"):
        open_store("not a url")
