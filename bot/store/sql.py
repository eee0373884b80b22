"""The shared store: any SQLAlchemy database (SQLite by default, PostgreSQL for several instances)."""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, fields, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from bot.store import schema
from bot.store.records import Feedback, QuestionRecord, QuizScore, StoreError, StoreUnavailable, utc_now

log = logging.getLogger(__name__)

CLAIM_TTL_SECONDS = 3600.0  # Slack retries within minutes; an hour of keys is plenty
PURGE_EVERY = 1000  # claims between deletions of expired keys
MIGRATION_LOCK = 7_241_001  # PostgreSQL advisory lock id: replicas starting together migrate one at a time
DEFAULT_TIMEOUT_SECONDS = 3.0  # connect, statement and lock waits: a hung database fails, never blocks


# Built once: a statement built per call costs SQLAlchemy more than the insert itself (claims are hot).
CLAIM = schema.claims.insert()
RECORD_QUESTIONS = schema.questions.insert()
ACCEPT_WORK = schema.work.insert()
IS_CLAIMED = sa.select(sa.literal(1)).where(schema.claims.c.key == sa.bindparam("key"))
FINISH_WORK = schema.work.delete().where(schema.work.c.key == sa.bindparam("key"))


class SqlStore:
    def __init__(self, engine: Engine, claim_ttl: float = CLAIM_TTL_SECONDS, timeout: float = DEFAULT_TIMEOUT_SECONDS):
        self.engine = engine
        self._claim_ttl = claim_ttl
        self._claims_since_purge = 0
        self._timeout = timeout
        # SQLite has one writer at a time and makes the others sleep-and-retry (up to 100 ms a try): in
        # this process its users take turns on a lock instead, which costs only the write itself.
        self._serial = threading.Lock() if engine.dialect.name == "sqlite" else None
        self.problem: str | None = None  # why the last database call failed; None while it works
        self._claim_ignoring_conflicts = _insert_ignoring_conflicts(engine)  # built once, used per batch

    @property
    def healthy(self) -> bool:
        return self.problem is None

    @contextlib.contextmanager
    def _begin(self) -> Iterator[Connection]:
        """A transaction; a database that fails or does not answer in time raises StoreUnavailable and
        marks the store unhealthy until a call (or check()) succeeds again."""
        if self._serial is not None and not self._serial.acquire(timeout=self._timeout):
            raise self._failed("timed out waiting for the database")
        try:
            with self.engine.begin() as connection:
                yield connection
        except (IntegrityError, DataError):
            raise  # the database works; it refused this row
        except (SQLAlchemyError, OSError) as exc:
            raise self._failed(" ".join(str(getattr(exc, "orig", None) or exc).split())[:200]) from None
        finally:
            if self._serial is not None:
                self._serial.release()
        if self.problem is not None:
            log.warning("the database answers again")
            self.problem = None

    def _failed(self, detail: str) -> StoreUnavailable:
        if self.problem is None:
            log.error("the database failed: %s", detail)
        self.problem = detail
        return StoreUnavailable(f"the database failed: {detail}")

    def checkpoint(self) -> None:
        """Copy SQLite's write-ahead log into the database file. SQLite would otherwise do it inside
        whichever commit fills the log, with an fsync that stalled a request for up to a second under
        load; here it runs on the upkeep thread and lets writers carry on (PASSIVE)."""
        if self._serial is None:
            return
        with contextlib.suppress(SQLAlchemyError), self.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")

    def check(self) -> bool:
        """Whether the database takes a write now (a claim rolled back): for the health probe."""
        with contextlib.suppress(StoreUnavailable), self._begin() as connection:
            connection.execute(CLAIM, {"key": "health-check", "claimed_at": 0.0})
            connection.rollback()
        return self.healthy

    def claim(self, key: str) -> bool:
        """True for the first instance to claim `key`, False for every later claim, on any instance."""
        now = time.time()
        try:
            with self._begin() as connection:
                connection.execute(CLAIM, {"key": key[:255], "claimed_at": now})
        except IntegrityError:
            return False
        self._count_claims(1, now)
        return True

    def claimed(self, key: str) -> bool:
        """Whether `key` was claimed, read without taking a turn at writing (the replay guard asks this
        on every request; its own claims are written in batches by claim_all)."""
        try:
            with self.engine.connect() as connection:
                return connection.execute(IS_CLAIMED, {"key": key[:255]}).first() is not None
        except (SQLAlchemyError, OSError) as exc:
            raise self._failed(" ".join(str(getattr(exc, "orig", None) or exc).split())[:200]) from None

    @property
    def shared_between_hosts(self) -> bool:
        """A server database (PostgreSQL) that instances on other hosts may share; not a SQLite file."""
        return self._serial is None

    def claims_since(self, prefix: str, since: float) -> list[str]:
        """Keys starting with `prefix` claimed at or after `since` (epoch seconds)."""
        claims = schema.claims
        query = sa.select(claims.c.key).where(claims.c.key.startswith(prefix), claims.c.claimed_at >= since)
        return [row.key for row in self._rows(query)]

    def claim_all(self, keys: Sequence[str]) -> None:
        """Claim many keys in one transaction; keys claimed already stay as they were."""
        now = time.time()
        rows = [{"key": key[:255], "claimed_at": now} for key in dict.fromkeys(keys)]
        insert = self._claim_ignoring_conflicts
        if insert is not None:
            with self._begin() as connection:
                connection.execute(insert, rows)
        else:
            for row in rows:  # another database: one at a time
                with contextlib.suppress(IntegrityError), self._begin() as connection:
                    connection.execute(CLAIM, row)
        self._count_claims(len(rows), now)

    def _count_claims(self, count: int, now: float) -> None:
        """Every PURGE_EVERY claims, expired ones are deleted: the table stays about a ttl's worth."""
        self._claims_since_purge += count
        if self._claims_since_purge >= PURGE_EVERY:
            self._claims_since_purge = 0
            self.purge_claims(now - self._claim_ttl)

    def purge_claims(self, before: float) -> None:
        with self._begin() as connection:
            connection.execute(schema.claims.delete().where(schema.claims.c.claimed_at < before))

    def record_questions(self, records: Sequence[QuestionRecord]) -> None:
        """One transaction for the batch (bot.store.batch collects them off the request path). A row the
        database refuses is written alone, or dropped with a warning, never taking its batch with it."""
        now = utc_now()
        rows = [asdict(_without_nul(record)) | {"asked_at": record.asked_at or now} for record in records]
        try:
            with self._begin() as connection:
                connection.execute(RECORD_QUESTIONS, rows)
        except (IntegrityError, DataError):
            for row in rows:
                try:
                    with self._begin() as connection:
                        connection.execute(RECORD_QUESTIONS, row)
                except (IntegrityError, DataError):
                    log.warning("dropped one question record the database refused (hash %s)", row["text_hash"][:12])

    # --- acked work (see bot.runtime): recorded before the ack, removed when done -----------------------
    def accept_work(self, key: str, body: str, owner: str, lease_until: float) -> bool:
        """Record work about to be acked; False if work with this key was accepted before, on any instance,
        within the claim ttl (a re-delivery or a replay: its side effects happen once)."""
        now = time.time()
        row = {"key": key[:255], "body": body, "accepted_at": now, "owner": owner, "lease_until": lease_until}
        try:
            with self._begin() as connection:
                connection.execute(CLAIM, {"key": f"work:{key}"[:255], "claimed_at": now})
                connection.execute(ACCEPT_WORK, row)
        except IntegrityError:
            return False
        return True

    def finish_work(self, key: str) -> None:
        with self._begin() as connection:
            connection.execute(FINISH_WORK, {"key": key[:255]})

    def renew_work(self, owner: str, lease_until: float) -> None:
        """The instance's heartbeat: its unfinished work stays its own for another lease."""
        work = schema.work
        with self._begin() as connection:
            connection.execute(work.update().where(work.c.owner == owner).values(lease_until=lease_until))

    def release_work(self, owner: str, keys: Sequence[str] | None = None) -> None:
        """Leave unfinished work for any instance to take at once (on shutdown)."""
        work = schema.work
        query = work.update().where(work.c.owner == owner)
        if keys is not None:
            query = query.where(work.c.key.in_([key[:255] for key in keys]))
        with self._begin() as connection:
            connection.execute(query.values(owner=None, lease_until=0.0))

    def take_work(self, owner: str, lease_until: float, limit: int = 100) -> list[tuple[str, str]]:
        """Work whose lease ran out (its instance stopped), now leased to `owner`: (key, body) pairs.
        Each row goes to exactly one instance: the lease is taken with a conditional update."""
        work = schema.work
        now = time.time()
        taken = []
        with self._begin() as connection:
            due = connection.execute(
                sa.select(work.c.key, work.c.body)
                .where(work.c.lease_until < now)
                .order_by(work.c.accepted_at)
                .limit(limit)
            ).all()
            for key, body in due:
                take = work.update().where(work.c.key == key, work.c.lease_until < now)
                if connection.execute(take.values(owner=owner, lease_until=lease_until)).rowcount == 1:
                    taken.append((key, body))
        return taken

    def unfinished_work(self) -> int:
        with self._begin() as connection:
            return connection.execute(sa.select(sa.func.count()).select_from(schema.work)).scalar() or 0

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


def _insert_ignoring_conflicts(engine: Engine) -> sa.Insert | None:
    """INSERT ... ON CONFLICT DO NOTHING into the claims, where the database has it. Only the dialect in
    use is imported: PostgreSQL's costs a SQLite deployment 2 MB of memory for nothing."""
    if engine.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(schema.claims).on_conflict_do_nothing()
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert(schema.claims).on_conflict_do_nothing()
    return None


def _quiz_score(row: sa.RowMapping) -> QuizScore:
    return QuizScore(row.user_id, row.score, row.total, row.team)


def _without_nul(record: QuestionRecord) -> QuestionRecord:
    """PostgreSQL text cannot hold NUL: replaced, so a question with one is kept like any other."""
    changed: dict[str, Any] = {
        f.name: value.replace("\x00", "\ufffd")
        for f in fields(record)
        if isinstance(value := getattr(record, f.name), str) and "\x00" in value
    }
    return replace(record, **changed) if changed else record


def open_store(
    url: str, *, create: bool = True, timeout: float = DEFAULT_TIMEOUT_SECONDS, checkpoint_later: bool = False
) -> SqlStore:
    """Connect and bring the schema to the newest migration (created on first start). With create=False
    a SQLite file that does not exist yet is an error rather than a new empty database. A database that
    does not answer within `timeout` seconds is an error too. No message shows a password. With
    `checkpoint_later` a SQLite file's checkpoints are left to checkpoint() (the server's upkeep)."""
    shown, secrets = _redacted(url)
    try:
        parsed = sa.make_url(url)
    except (SQLAlchemyError, ValueError, TypeError):
        raise StoreError(f"SRM_DATABASE_URL ({shown}) is not a database URL, e.g. sqlite:///srm-bot.sqlite3") from None
    file = _sqlite_file(parsed)
    if not create and file is not None and not file.exists():
        raise StoreError(f"no database at {shown} yet: the bot creates it when it runs (or set SRM_DATABASE_URL)")
    try:
        engine = create_engine(parsed, timeout, checkpoint_later)
        if schema_revision(engine) != schema.HEAD_REVISION:
            migrate(engine)
    except (SQLAlchemyError, OSError, ImportError, ValueError, TypeError) as exc:
        detail = " ".join(str(getattr(exc, "orig", None) or exc).split())
        for secret in secrets:
            detail = detail.replace(secret, "***")
        raise StoreError(f"cannot open the database {shown}: {detail}") from None
    return SqlStore(engine, timeout=timeout)


def _redacted(url: str) -> tuple[str, list[str]]:
    """The URL as it may be shown (scheme, user, host, port, database: no password or query), and the
    strings to strip from driver messages. Read from the raw text, so it holds for URLs that do not
    parse: a bad port, an unencoded '@' in the password, a ?password= query."""
    scheme, separator, rest = url.partition("://")
    rest, _, query = rest.partition("?")
    userinfo, at, location = rest.rpartition("@")
    # an unencoded '@' or ':' in the password makes drivers read part of it as the host: strip every piece
    secrets = [userinfo, userinfo.partition(":")[2], *re.split("[:@]", userinfo)[1:]] if at else []
    secrets += [value for _name, value in parse_qsl(query)]
    secrets = sorted({s for s in secrets if len(s) >= 3}, key=len, reverse=True)
    user, colon, _password = userinfo.partition(":")
    shown_user = f"{user}{':***' if colon else ''}@" if at else ""
    return (f"{scheme}://{shown_user}{location}" if separator else "value not shown"), secrets


def _sqlite_file(url: sa.URL) -> Path | None:
    """The file of a SQLite URL; None for an in-memory database or another engine."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database).expanduser()


def create_engine(url: sa.URL, timeout: float = DEFAULT_TIMEOUT_SECONDS, checkpoint_later: bool = False) -> Engine:
    if url.get_backend_name() == "postgresql":
        milliseconds = int(timeout * 1000)
        options = f"-c statement_timeout={milliseconds} -c lock_timeout={milliseconds}"
        connect_args = {"connect_timeout": max(1, round(timeout)), "options": options}
        return sa.create_engine(url, pool_pre_ping=True, pool_timeout=timeout, connect_args=connect_args)
    if url.get_backend_name() != "sqlite":
        return sa.create_engine(url, pool_pre_ping=True, pool_timeout=timeout)
    file = _sqlite_file(url)
    if file is None:
        return sa.create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    file.parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"timeout": timeout})

    @sa.event.listens_for(engine, "connect")
    def _tune(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # WAL lets readers (srm gaps) run beside the bot; NORMAL syncs at checkpoints, not every commit.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        if checkpoint_later:  # SqlStore.checkpoint() runs them, off the request path (see there)
            cursor.execute("PRAGMA wal_autocheckpoint=0")
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
