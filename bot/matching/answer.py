"""What the matcher returns: one Answer per question, rendered later for Slack or a terminal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.knowledge.schema import Concept, ControlCategory, Owner, Responsibility, Service, Team

Status = Literal["answered", "ambiguous", "out_of_scope"]
# item: one duty on one service; summary: a whole service; concept: a model-wide entry or the general
# rule for a layer; comparison: one answer per service, side by side (in `parts`);
# help: greeting or empty question; decline: not an AWS shared-responsibility question;
# uncurated: a service known by name only (knowledge/catalog.yaml), with its model's general rule if any.
Kind = Literal["item", "summary", "concept", "comparison", "help", "decline", "uncurated"]
# How the owner was decided: a service's item, one side of an item, or the layer table's general rule.
Basis = Literal["item", "side", "layer"]


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
    internal_owner: Team | None = None  # from the organisation overlay, for Customer / Shared duties
    basis: Basis | None = None
    side: Literal["AWS", "Customer"] | None = None  # the side of a shared duty the question asked about
    parts: tuple[Answer, ...] = ()  # a comparison's answers, one per service


def item_answer(
    query: str,
    service: Service,
    item: Responsibility,
    confidence: float,
    suggestions: tuple[Suggestion, ...] = (),
) -> Answer:
    return Answer(
        query,
        "answered",
        "item",
        service=service.key,
        topic=item.topic,
        owner=item.owner,
        category=item.category,
        tools=item.tools,
        sources=item.sources,
        item=item,
        confidence=round(confidence, 2),
        suggestions=suggestions,
        basis="item",
    )


def concept_answer(
    query: str,
    concept: Concept,
    confidence: float,
    suggestions: tuple[Suggestion, ...] = (),
    service: Service | None = None,
    basis: Basis | None = None,
) -> Answer:
    return Answer(
        query,
        "answered",
        "concept",
        service=service.key if service else None,
        topic=concept.topic,
        owner=concept.owner,
        category=concept.category,
        tools=concept.tools,
        sources=concept.sources,
        concept=concept,
        confidence=round(confidence, 2),
        suggestions=suggestions,
        basis=basis,
    )


def summary_answer(query: str, service: Service, confidence: float) -> Answer:
    return Answer(
        query,
        "answered",
        "summary",
        service=service.key,
        sources=tuple(link.url for link in service.docs),
        confidence=round(confidence, 2),
    )
