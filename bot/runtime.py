"""The bot's live state: the current knowledge snapshot (swapped whole on reload) and its stores."""

from __future__ import annotations

import contextvars
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot import metrics
from bot.heap import freeze_heap
from bot.knowledge.loader import Knowledge, KnowledgeError, load_knowledge
from bot.matching.matcher import Matcher
from bot.quiz import QuizQuestion, quiz_questions
from bot.settings import DEFAULT_MAX_BACKLOG
from bot.store import QuestionRecord, SeenKeys
from bot.store.batch import Batcher

if TYPE_CHECKING:
    from bot.store.sql import SqlStore

log = logging.getLogger(__name__)

WORKER_THREADS = 8  # Web API calls after the ack; Slack rate limits make more pointless


@dataclass(frozen=True)
class Snapshot:
    """Everything derived from one load of knowledge/, replaced as a unit so readers never see a mix."""

    knowledge: Knowledge
    matcher: Matcher
    quiz: list[QuizQuestion]
    # Replies depend only on the question and this snapshot, so they are computed once per snapshot.
    replies: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def load(cls, directory: Path, overlay_path: Path | None = None) -> Snapshot:
        return cls.of(load_knowledge(directory, overlay_path))

    @classmethod
    def of(cls, knowledge: Knowledge) -> Snapshot:
        return cls(knowledge, Matcher(knowledge), quiz_questions(knowledge))


IN_MEMORY = "sqlite://"  # the store when none is given (tests, one-off runs): nothing written to disk


class Runtime:
    def __init__(
        self, snapshot: Snapshot, overlay_path: Path | None = None, store: SqlStore | Future[SqlStore] | None = None,
        *, serverless: bool = False, max_backlog: int = DEFAULT_MAX_BACKLOG,
    ):  # fmt: skip
        self.knowledge_dir = snapshot.knowledge.directory
        self.overlay_path = overlay_path
        self._serve(snapshot)
        # A Future while the database opens in the background (serve_http); None: in memory, opened on first use
        self._store = store
        self._store_lock = threading.Lock()
        self.seen = SeenKeys()  # request signatures, for replay protection
        # On AWS Lambda nothing may run after the response (the function is frozen): small follow-up
        # work runs inline, and listeners' Web API work runs as Bolt lazy listeners (create_app).
        self.serverless = serverless
        self._reload_lock = threading.Lock()
        self._workers = ThreadPoolExecutor(max_workers=WORKER_THREADS, thread_name_prefix="srm-work")
        self.max_backlog = max_backlog
        self._backlog = 0  # work submitted and not yet finished
        self._backlog_lock = threading.Lock()
        metrics.BACKLOG.set_function(lambda: self._backlog)
        # Questions answered badly, for the gap report: written in batches after the ack.
        self.questions: Batcher[QuestionRecord] = Batcher(
            lambda batch: self.store.record_questions(batch), lambda flush: self.run_later(flush, {})
        )

    @classmethod
    def load(
        cls, knowledge_dir: Path, overlay_path: Path | None = None, store: SqlStore | Future[SqlStore] | None = None,
        *, serverless: bool = False, max_backlog: int = DEFAULT_MAX_BACKLOG,
    ) -> Runtime:  # fmt: skip
        snapshot = Snapshot.load(knowledge_dir, overlay_path)
        return cls(snapshot, overlay_path, store, serverless=serverless, max_backlog=max_backlog)

    def __deepcopy__(self, _memo: dict) -> Runtime:
        # Bolt copies the request context for lazy listeners (AWS Lambda); live state is shared, not copied.
        return self

    @property
    def store(self) -> SqlStore:
        """The shared store; in the first moments after start this waits for the database to open."""
        if self._store is None:
            with self._store_lock:
                if self._store is None:
                    from bot.store.sql import open_store

                    self._store = open_store(IN_MEMORY)
        return self._store.result() if isinstance(self._store, Future) else self._store

    @property
    def backlog(self) -> int:
        return self._backlog

    @property
    def overloaded(self) -> bool:
        """Too much work queued to take more (never on AWS Lambda, where work runs inline)."""
        return self._backlog >= self.max_backlog

    def run_later(self, work: Callable[..., None], kwargs: dict[str, Any]) -> None:
        """Run work after the ack, in the request's logging context (inline when serverless); failures are
        logged and counted, never lost silently."""
        queued = not self.serverless

        def logged() -> None:
            try:
                work(**kwargs)
            except Exception as exc:
                metrics.count_failure(exc)
                log.exception("%s failed", getattr(work, "__name__", "work"))
            finally:
                if queued:
                    self._count_backlog(-1)

        if not queued:
            logged()
            return
        self._count_backlog(+1)
        self._workers.submit(contextvars.copy_context().run, logged)

    def _count_backlog(self, change: int) -> None:
        with self._backlog_lock:
            self._backlog += change

    def _serve(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        metrics.SERVICES.set(len(snapshot.knowledge.services))

    def reload(self) -> bool:
        """Load knowledge/ again; on any problem log it and keep answering from the last good snapshot."""
        with self._reload_lock:
            try:
                snapshot = Snapshot.load(self.knowledge_dir, self.overlay_path)
            except KnowledgeError as exc:
                for problem in exc.problems:
                    log.error("knowledge reload rejected: %s", problem)
                metrics.RELOADS.labels(result="rejected").inc()
                return False
            self._serve(snapshot)
            freeze_heap(collect_first=True)  # the old snapshot's cycles, if any, are collected once
            metrics.RELOADS.labels(result="loaded").inc()
            log.info("knowledge reloaded: %d services", len(snapshot.knowledge.services))
            return True
