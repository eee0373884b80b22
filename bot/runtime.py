"""The bot's live state: the current knowledge snapshot (swapped whole on reload) and its stores."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.loader import Knowledge, KnowledgeError, load_knowledge
from bot.matching.matcher import Matcher
from bot.quiz import QuizQuestion, quiz_questions
from bot.stores import MemoryStore, Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    """Everything derived from one load of knowledge/, replaced as a unit so readers never see a mix."""

    knowledge: Knowledge
    matcher: Matcher
    quiz: list[QuizQuestion]

    @classmethod
    def load(cls, directory: Path, overlay_path: Path | None = None) -> Snapshot:
        return cls.of(load_knowledge(directory, overlay_path))

    @classmethod
    def of(cls, knowledge: Knowledge) -> Snapshot:
        return cls(knowledge, Matcher(knowledge), quiz_questions(knowledge))


class Runtime:
    def __init__(self, snapshot: Snapshot, overlay_path: Path | None = None, store: Store | None = None):
        self.knowledge_dir = snapshot.knowledge.directory
        self.overlay_path = overlay_path
        self.snapshot = snapshot
        self.store = store or MemoryStore()
        self._reload_lock = threading.Lock()

    @classmethod
    def load(cls, knowledge_dir: Path, overlay_path: Path | None = None, store: Store | None = None) -> Runtime:
        return cls(Snapshot.load(knowledge_dir, overlay_path), overlay_path, store)

    @classmethod
    def from_knowledge(cls, knowledge: Knowledge, overlay_path: Path | None = None) -> Runtime:
        return cls(Snapshot.of(knowledge), overlay_path)

    def __deepcopy__(self, memo: dict) -> Runtime:
        # Bolt deep-copies the request context for lazy listeners; the runtime is shared, never copied.
        return self

    def reload(self) -> bool:
        """Load knowledge/ again; on any problem log it and keep answering from the last good snapshot."""
        with self._reload_lock:
            try:
                snapshot = Snapshot.load(self.knowledge_dir, self.overlay_path)
            except KnowledgeError as exc:
                for problem in exc.problems:
                    log.error("knowledge reload rejected: %s", problem)
                return False
            self.snapshot = snapshot
            log.info("knowledge reloaded: %d services", len(snapshot.knowledge.services))
            return True
