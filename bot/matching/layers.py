"""The layer a question names (hypervisor, guest OS, your data) and the side of a duty it asks about.

The owner of a duty is decided here by structure, not by string scores: a layer owned by one party under
the service's model names that party's side; configuring verbs ("choose", "turn on") name yours.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from bot.knowledge.loader import Knowledge
from bot.knowledge.schema import Concept, Layer, Owner, Responsibility, ServiceModel
from bot.matching.text import stem, words

Party = Literal["AWS", "Customer"]
MODELS: tuple[ServiceModel, ...] = ("infrastructure", "container", "abstract")
LAYER_VOTE = 1.0  # a layer with one owner under the model names that owner's side
WORD_VOTE = 0.5  # a side word ("choose", "automatically") leans that way
SIDE_MARGIN = 0.5  # one side must lead by this much; otherwise the duty's own owner stands


def _stems(text: str) -> tuple[str, ...]:
    return tuple(stem(w) for w in words(text))


@dataclass(frozen=True)
class LayerHit:
    key: str
    size: int  # words in the longest phrase that named it


@dataclass(frozen=True)
class LayerIndex:
    layers: dict[str, Layer]
    phrases_by_stem: dict[str, list[tuple[str, tuple[str, ...]]]]
    side_words: dict[str, tuple[tuple[str, ...], ...]]
    rules: dict[tuple[str, ServiceModel | None], Concept]  # (layer, model) -> its general-rule answer
    words: frozenset[str]  # every word of every phrase, for typo tolerance

    def named(self, sequence: list[str]) -> list[LayerHit]:
        """Layers whose phrases stand in the question, most specific first; a layer named only by words
        that sit inside another layer's longer phrase ("os" in "host os") is dropped."""
        spans: dict[str, tuple[int, set[int]]] = {}
        for i, s in enumerate(sequence):
            for key, phrase in self.phrases_by_stem.get(s, ()):
                if phrase[0] != s or tuple(sequence[i : i + len(phrase)]) != phrase:
                    continue
                size, covered = spans.get(key, (0, set()))
                spans[key] = (max(size, len(phrase)), covered | set(range(i, i + len(phrase))))
        hits = []
        for key, (size, covered) in spans.items():
            inside_longer = any(
                other != key and covered < other_covered and other_size > size
                for other, (other_size, other_covered) in spans.items()
            )
            if not inside_longer:
                hits.append(LayerHit(key, size))
        # stable order: longest phrase first, then the table's own order
        order = list(self.layers)
        return sorted(hits, key=lambda h: (-h.size, order.index(h.key)))

    def fixed(self, hits: list[LayerHit]) -> LayerHit | None:
        """The first named layer that AWS owns under every model (facilities, hypervisor, AWS staff)."""
        return next((h for h in hits if self.layers[h.key].owner.all == "AWS"), None)

    def owner(self, key: str, model: ServiceModel | None) -> Owner | None:
        return self.layers[key].owner.under(model)

    def side(self, hits: list[LayerHit], sequence: list[str], model: ServiceModel | None) -> Party | None:
        """The side the question asks about, when one side clearly leads."""
        votes: dict[str, float] = defaultdict(float)
        for hit in hits:
            owner = self.owner(hit.key, model)
            if owner in ("AWS", "Customer") and self.layers[hit.key].picks_side:
                votes[owner] += LAYER_VOTE
        joined = tuple(sequence)
        for party, phrases in self.side_words.items():
            if any(_contains(joined, phrase) for phrase in phrases):
                votes[party] += WORD_VOTE
        aws, customer = votes["AWS"], votes["Customer"]
        if aws - customer >= SIDE_MARGIN:
            return "AWS"
        if customer - aws >= SIDE_MARGIN:
            return "Customer"
        return None

    def rule(self, key: str, model: ServiceModel | None) -> Concept | None:
        return self.rules.get((key, model)) or self.rules.get((key, None))


def _contains(sequence: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return any(sequence[i : i + size] == phrase for i in range(len(sequence) - size + 1))


def _rule(layer: Layer, owner: Owner, model: ServiceModel | None) -> Concept:
    scope = "every AWS service" if layer.owner.all else f"{model} services"
    return Concept(
        topic=layer.topic,
        title=layer.title,
        explanation=f"General rule for {scope}: {layer.title[0].lower()}{layer.title[1:]} is {owner}'s.",
        owner=owner,
        category=layer.category,
        aws=layer.aws,
        customer=layer.customer,
        tools=layer.tools,
        sources=layer.sources,
    )


def build_layer_index(knowledge: Knowledge) -> LayerIndex:
    phrases_by_stem: dict[str, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
    vocabulary: set[str] = set()
    rules: dict[tuple[str, ServiceModel | None], Concept] = {}
    for key, layer in knowledge.layers.items():
        for text in layer.phrases:
            phrase = _stems(text)
            if phrase:
                phrases_by_stem[phrase[0]].append((key, phrase))
            vocabulary.update(words(text))
        if layer.owner.all:
            rules[(key, None)] = _rule(layer, layer.owner.all, None)
        for model in MODELS:
            owner = layer.owner.under(model)
            if owner and not layer.owner.all:
                rules[(key, model)] = _rule(layer, owner, model)
    side_words = {
        "AWS": tuple(_stems(t) for t in knowledge.side_words.aws),
        "Customer": tuple(_stems(t) for t in knowledge.side_words.customer),
    }
    return LayerIndex(
        layers=knowledge.layers,
        phrases_by_stem=dict(phrases_by_stem),
        side_words=side_words,
        rules=rules,
        words=frozenset(vocabulary),
    )


def has_part(text: str | None, nothing: tuple[str, ...]) -> bool:
    """Whether an AWS/You text gives that side something to do ("Nothing to patch" does not)."""
    if not text:
        return False
    lowered = text.strip().lower()
    return not any(lowered.startswith(n) for n in nothing)


def side_owner(item: Responsibility, side: Party | None, nothing: tuple[str, ...]) -> Party | None:
    """The owner of the side a question asks about, where the item gives that side a real part.

    A shared item answers either side; an item AWS owns answers the customer's side only where its
    "You do" names a real part (choosing the window). An item the customer owns keeps its owner."""
    if side is None or item.owner == side:
        return None
    if item.owner == "Shared" or (item.owner == "AWS" and side == "Customer"):
        text = item.aws if side == "AWS" else item.customer
        return side if has_part(text, nothing) else None
    return None
