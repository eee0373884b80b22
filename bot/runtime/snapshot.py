"""One load of knowledge/ and everything derived from it, built together and replaced as a unit."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bot.knowledge.loader import Knowledge, load_knowledge
from bot.matching.matcher import Matcher
from bot.quiz import QuizQuestion, quiz_questions
from bot.runtime.heap import gc_paused

if TYPE_CHECKING:
    from bot.replies import Reply


@dataclass(frozen=True)
class Snapshot:
    """Everything derived from one load of knowledge/, replaced as a unit so readers never see a mix."""

    knowledge: Knowledge
    matcher: Matcher
    quiz: list[QuizQuestion]
    # Replies depend only on the question and this snapshot, so they are computed once per snapshot.
    replies: dict[tuple[str, ...], Reply] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def load(cls, directory: Path, overlay_path: Path | None = None) -> Snapshot:
        """Load and index knowledge/ with the cyclic garbage collector paused (bot.runtime.heap.gc_paused):
        nearly every object built here lives as long as the snapshot."""
        with gc_paused():
            return cls.of(load_knowledge(directory, overlay_path))

    @classmethod
    def of(cls, knowledge: Knowledge) -> Snapshot:
        return cls(knowledge, Matcher(knowledge), quiz_questions(knowledge))
