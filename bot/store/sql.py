"""The shared store: any SQLAlchemy database (SQLite by default, PostgreSQL for several instances)."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from bot.store import schema
from bot.store.records import Feedback, QuestionRecord, QuizScore, StoreError, utc_now

CLAIM_TTL_SECONDS = 3600.0  # Slack retries within minutes; an hour of keys is plenty
PURGE_EVERY = 1000  # claims between deletions of expired keys
MIGRATION_LOCK = 7_241_001  # PostgreSQL advisory lock id: replicas starting together migrate one at a time


# Built once: a statement built per call costs SQLAlchemy more than the insert itself (claims are hot).
CLAIM = schema.claims.insert()
RECORD_QUESTIONS = schema.questions.insert()


class SqlStore:
    def __init__(self, engine: Engine, claim_ttl: float = CLAIM_TTL_SECONDS):
        self.engine = engine
        self._claim_ttl = claim_ttl
        self._claims_since_purge = 0
        # SQLite has one writer at a time and makes the others sleep-and-retry (up to 100 ms a try): in
        # this process its users take turns on a lock instead, which costs only the write itself.
        self._serial = threading.Lock() if engine.dialect.name == "sqlite" else contextlib.nullcontext()

    @contextlib.contextmanager
    def _begin(self) -> Iterator[Connection]:
        with self._serial, self.engine.begin() as connection:
            yield connection

    def claim(self, key: str) -> bool:
        """True for the first instance to claim `key`, False for every later claim, on any instance."""
        now = time.time()
        try:
            with self._begin() as connection:
                connection.execute(CLAIM, {"key": key[:255], "claimed_at": now})
        except IntegrityError:
            return False
        self._claims_since_purge += 1
        if self._claims_since_purge >= PURGE_EVERY:
            self._claims_since_purge = 0
            self.purge_claims(now - self._claim_ttl)
        return True

    def purge_claims(self, before: float) -> None:
        with self._begin() as connection:
            connection.execute(schema.claims.delete().where(schema.claims.c.claimed_at < before))

    def record_questions(self, records: Sequence[QuestionRecord]) -> None:
        """One transaction for the batch (bot.store.batch collects them off the request path)."""
        now = utc_now()
        rows = [asdict(record) | {"asked_at": record.asked_at or now} for record in records]
        with self._begin() as connection:
            connection.execute(RECORD_QUESTIONS, rows)

    def record_feedback(self, feedback: Feedback) -> None:
        with self._begin() as connection:
            connection.execute(schema.feedback.insert(), asdict(feedback) | {"given_at": utc_now()})

    def record_quiz_score(self, score: QuizScore) -> None:
        with self._begin() as connection:
            connection.execute(schema.quiz_scores.insert(), asdict(score) | {"finished_at": utc_now()})

    def questions(self, since: datetime) -> list[QuestionRecord]:
        table = schema.questions
        rows = self._rows(sa.select(table).where(table.c.asked_at >= since).order_by(table.c.asked_at))
        return [QuestionRecord(**{k: v for k, v in row.items() if k != "id"}) for row in rows]

    def feedback(self, since: datetime) -> list[Feedback]:
        table = schema.feedback
        rows = self._rows(sa.select(table).where(table.c.given_at >= since).order_by(table.c.given_at))
        return [
            Feedback(row.user_id, row.service, row.topic, row.helpful, row.team, row.reason, row.comment)
            for row in rows
        ]

    def quiz_scores(self, user_id: str) -> list[QuizScore]:
        table = schema.quiz_scores
        rows = self._rows(sa.select(table).where(table.c.user_id == user_id).order_by(table.c.finished_at))
        return [_quiz_score(row) for row in rows]

    def best_quiz_score(self, user_id: str) -> QuizScore | None:
        table = schema.quiz_scores
        best_first = (table.c.score * 1.0 / table.c.total).desc(), table.c.total.desc()
        rows = self._rows(sa.select(table).where(table.c.user_id == user_id).order_by(*best_first).limit(1))
        return _quiz_score(rows[0]) if rows else None

    def _rows(self, query: sa.Select) -> Sequence[sa.RowMapping]:
        with self._begin() as connection:
            return connection.execute(query).mappings().all()


def _quiz_score(row: sa.RowMapping) -> QuizScore:
    return QuizScore(row.user_id, row.score, row.total, row.team)


def open_store(url: str, *, create: bool = True) -> SqlStore:
    """Connect and bring the schema to the newest migration (created on first start). With create=False
    a SQLite file that does not exist yet is an error rather than a new empty database."""
    try:
        parsed = sa.make_url(url)
    except (SQLAlchemyError, ValueError):
        raise StoreError(f"SRM_DATABASE_URL {url!r} is not a database URL, e.g. sqlite:///srm-bot.sqlite3") from None
    safe = parsed.render_as_string(hide_password=True)
    file = _sqlite_file(parsed)
    if not create and file is not None and not file.exists():
        raise StoreError(f"no database at {safe} yet: the bot creates it when it runs (or set SRM_DATABASE_URL)")
    try:
        engine = create_engine(parsed)
        if schema_revision(engine) != schema.HEAD_REVISION:
            migrate(engine)
    except (SQLAlchemyError, OSError, ImportError) as exc:
        detail = " ".join(str(getattr(exc, "orig", None) or exc).split())
        raise StoreError(f"cannot open the database {safe}: {detail}") from None
    return SqlStore(engine)


def _sqlite_file(url: sa.URL) -> Path | None:
    """The file of a SQLite URL; None for an in-memory database or another engine."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database).expanduser()


def create_engine(url: sa.URL) -> Engine:
    if url.get_backend_name() != "sqlite":
        return sa.create_engine(url, pool_pre_ping=True)
    file = _sqlite_file(url)
    if file is None:
        return sa.create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    file.parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"timeout": 15})

    @sa.event.listens_for(engine, "connect")
    def _tune(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # WAL lets readers (srm gaps) run beside the bot; NORMAL syncs at checkpoints, not every commit.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


def schema_revision(engine: Engine) -> str | None:
    """The migration the database is at (None when new). Alembic is imported only when there is work
    to do: it costs more start-up time and memory than the rest of the store."""
    with engine.connect() as connection:
        if not sa.inspect(connection).has_table(schema.VERSION_TABLE):
            return None
        return connection.execute(sa.text(f"SELECT version_num FROM {schema.VERSION_TABLE}")).scalar()


def migrate(engine: Engine) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
