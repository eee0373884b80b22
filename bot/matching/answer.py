"""What the matcher returns: one Answer per question, rendered later for Slack or a terminal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.knowledge.schema import Concept, ControlCategory, Owner, Responsibility

Status = Literal["answered", "ambiguous", "out_of_scope"]
# item: one duty on one service; summary: a whole service; concept: a model-wide entry;
# help: greeting or empty question; decline: not an AWS shared-responsibility question.
Kind = Literal["item", "summary", "concept", "help", "decline"]


@dataclass(frozen=True)
class Suggestion:
    service: str | None
    topic: str | None
    label: str


@dataclass(frozen=True)
class Answer:
    """The matcher's verdict; `tools` are keys into the tools catalogue, `sources` are URLs."""

    query: str
    status: Status
    kind: Kind
    service: str | None = None
    topic: str | None = None
    owner: Owner | None = None
    category: ControlCategory | None = None
    tools: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    item: Responsibility | None = None
    concept: Concept | None = None
    confidence: float = 0.0
    suggestions: tuple[Suggestion, ...] = ()
    message: str | None = None
    truncated: bool = False
