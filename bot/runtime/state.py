"""The bot's live state, composed: the knowledge being served, the store, the work after the ack, and the
replay guard's memory (one module each, in bot/runtime/)."""

from __future__ import annotations

from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING

from bot.runtime.knowledge import LiveKnowledge
from bot.runtime.replay import ReplayKeys
from bot.runtime.snapshot import Snapshot
from bot.runtime.store import StoreHandle
from bot.runtime.work import Background
from bot.settings import DEFAULT_MAX_BACKLOG, DEFAULT_WORK_LEASE_SECONDS
from bot.store import QuestionRecord
from bot.store.batch import Batcher

if TYPE_CHECKING:
    from bot.store.sql import SqlStore


class Runtime:
    def __init__(
        self,
        snapshot: Snapshot,
        overlay_path: Path | None = None,
        store: SqlStore | Future[SqlStore] | None = None,
        *,
        serverless: bool = False,
        max_backlog: int = DEFAULT_MAX_BACKLOG,
        work_lease: float = DEFAULT_WORK_LEASE_SECONDS,
    ):
        self.live_knowledge = LiveKnowledge(snapshot, overlay_path)
        self.stores = StoreHandle(store)
        self.work = Background(self.stores, serverless=serverless, max_backlog=max_backlog, work_lease=work_lease)
        self.replay = ReplayKeys(self.stores, self.work.bookkeeping)
        # Questions answered badly, for the gap report: written in batches after the ack.
        self.questions: Batcher[QuestionRecord] = Batcher(
            lambda batch: self.store.record_questions(batch), lambda flush: self.work.run_later(flush, {})
        )

    @classmethod
    def load(
        cls,
        knowledge_dir: Path,
        overlay_path: Path | None = None,
        store: SqlStore | Future[SqlStore] | None = None,
        *,
        serverless: bool = False,
        max_backlog: int = DEFAULT_MAX_BACKLOG,
        work_lease: float = DEFAULT_WORK_LEASE_SECONDS,
    ) -> Runtime:
        snapshot = Snapshot.load(knowledge_dir, overlay_path)
        return cls(snapshot, overlay_path, store, serverless=serverless, max_backlog=max_backlog, work_lease=work_lease)

    def __deepcopy__(self, _memo: dict) -> Runtime:
        # Bolt copies the request context for lazy listeners (AWS Lambda); live state is shared, not copied.
        return self

    @property
    def snapshot(self) -> Snapshot:
        return self.live_knowledge.snapshot

    def reload(self) -> bool:
        return self.live_knowledge.reload()

    @property
    def store(self) -> SqlStore:
        """The shared store; in the first moments after start this waits for the database to open."""
        return self.stores.get()

    @property
    def backlog(self) -> int:
        return self.work.backlog

    @property
    def reads_store_per_request(self) -> bool:
        """Whether the replay guard reads the store on every request (a database shared between hosts)."""
        store = self.stores.opened
        return store is not None and store.shared_between_hosts

    def refusal(self) -> str | None:
        """Why new Slack work must be refused now (503, for Slack to re-deliver), or None."""
        if self.work.draining:
            return "draining"
        store = self.stores.opened
        if store is not None and not store.healthy:
            return "store_unavailable"
        return None

    def readiness(self) -> str | None:
        """Why this instance should take no traffic (the /healthz answer), or None."""
        if self.stores.opening:
            return "starting"
        return self.refusal()
