"""The layer a question names (hypervisor, guest OS, your data) and the side of a duty it asks about.

The owner of a duty is decided here by structure, not by string scores: a layer owned by one party under
the service's model names that party's side; configuring verbs ("choose", "turn on") name yours.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bot.knowledge.labels import Labels
from bot.knowledge.loader import Knowledge
from bot.knowledge.schema import Concept, Layer, Owner, Responsibility, ServiceModel
from bot.knowledge.text import words
from bot.matching.text import has_phrase, stem
from bot.matching.vocabulary import Indexes

Party = Literal["AWS", "Customer"]
MODELS: tuple[ServiceModel, ...] = ("infrastructure", "container", "abstract")
LAYER_VOTE = 1.0  # a layer with one owner under the model names that owner's side
WORD_VOTE = 0.5  # a side word ("choose", "automatically") leans that way
ECHO_SCALE = 10.0  # a clause echoed by words of this much rarity (about one rare word) counts 1 vote...
TEXT_VOTE_CAP = 1.0  # ...and no clause counts more
SIDE_MARGIN = 0.5  # one side must lead by this much to answer that side of a shared item
FLIP_MARGIN = 1.0  # and by this much to answer the other side of an item one party owns
NEGATION_REACH = 2  # "never pick", "nothing is configured": a negation this many words before a side word
GIVEN_VOTE = 1.0  # a customer act stated as done ("once SSE is on, who ...") leaves the work after it to AWS


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
    side_words: dict[str, tuple[tuple[tuple[str, ...], float], ...]]  # party -> (phrase, weight)
    rules: dict[tuple[str, ServiceModel | None], Concept]  # (layer, model) -> its general-rule answer
    given: tuple[tuple[str, ...], ...] = ()  # openers of a clause that states a customer act as done
    given_states: tuple[tuple[str, ...], ...] = ()  # "enabled", "turned on": the act that clause states
    asking: frozenset[str] = frozenset()  # "who", "which": where the question proper starts
    helpers: frozenset[str] = frozenset()  # "party", "has to", "responsible for": skipped to reach the verb
    negations: frozenset[str] = frozenset()  # "never", "not": the side word after one does not vote

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

    def fixed(self, hits: Sequence[LayerHit]) -> LayerHit | None:
        """The first named layer that AWS owns under every model (facilities, hypervisor, AWS staff)."""
        return next((h for h in hits if self.layers[h.key].owner.all == "AWS"), None)

    def split_control(self, hits: Sequence[LayerHit]) -> LayerHit | None:
        """A named layer that is Shared under every model (a control as a whole: patch management, data
        protection), when no layer that names one side is named beside it."""
        if any(self.layers[h.key].picks_side for h in hits):
            return None
        return next((h for h in hits if self.layers[h.key].owner.all == "Shared"), None)

    def owner(self, key: str, model: ServiceModel | None) -> Owner | None:
        return self.layers[key].owner.under(model)

    def lead(
        self,
        hits: Sequence[LayerHit],
        sequence: Sequence[str],
        model: ServiceModel | None,
        echoes: tuple[float, float] = (0.0, 0.0),
    ) -> tuple[Party | None, float]:
        """The side the question leans to and by how much (None on a tie). `echoes` say how closely the
        question echoes a clause of the item's AWS text and of its customer text: "performs the
        AES-256 encryption" echoes the AWS part, "pick the KMS key" the customer's."""
        votes: dict[str, float] = defaultdict(float)
        for party, echo in zip(("AWS", "Customer"), echoes, strict=True):
            votes[party] += min(echo / ECHO_SCALE, TEXT_VOTE_CAP)
        for hit in hits:
            owner = self.owner(hit.key, model)
            if owner in ("AWS", "Customer") and self.layers[hit.key].picks_side:
                votes[owner] += LAYER_VOTE
        given = self.given_clause(sequence)
        rest = [*sequence[: given[0]], *sequence[given[1] :]] if given else list(sequence)
        verb = self.asked_verb(rest)
        for party, phrases in self.side_words.items():
            # only the customer's verbs: "who detects threats" names what a tool the customer turns on does
            at = verb if party == "Customer" else None
            votes[party] += max((self._word_vote(rest, phrase, weight, at) for phrase, weight in phrases), default=0.0)
        if given and not votes["Customer"]:
            votes["AWS"] += GIVEN_VOTE
        difference = votes["AWS"] - votes["Customer"]
        if difference == 0:
            return None, 0.0
        return ("AWS" if difference > 0 else "Customer"), abs(difference)

    def _word_vote(self, sequence: Sequence[str], phrase: tuple[str, ...], weight: float, verb: int | None) -> float:
        """A side word's vote where it stands: double as the verb asked about ("which party turns on ..."),
        none where a negation just before it says the act is not done ("if we never pick a key")."""
        size = len(phrase)
        best = 0.0
        for i in range(len(sequence) - size + 1):
            if tuple(sequence[i : i + size]) != phrase:
                continue
            if not self.negations.isdisjoint(sequence[max(0, i - NEGATION_REACH) : i]):
                continue
            best = max(best, weight * (2 if i == verb else 1))
        return best

    def asked_verb(self, sequence: Sequence[str]) -> int | None:
        """Where the verb of "who <verb>", "which party <verb>" stands, past helping words ("has to")."""
        at = next((i for i, w in enumerate(sequence) if w in self.asking), None)
        if at is None:
            return None
        at += 1
        while at < len(sequence) and sequence[at] in self.helpers:
            at += 1
        return at if at < len(sequence) else None

    def given_clause(self, sequence: Sequence[str]) -> tuple[int, int] | None:
        """Where a clause like "once encryption is enabled" stands (start, end): from its opener to the next
        asking word ("who") or the end. Its own words ("enabled") do not vote: that act is done."""
        for start in range(len(sequence)):
            opener = next((g for g in self.given if tuple(sequence[start : start + len(g)]) == g), None)
            if opener is None:
                continue
            end = next((i for i in range(start + len(opener), len(sequence)) if sequence[i] in self.asking), None)
            clause = sequence[start : end if end is not None else len(sequence)]
            if any(has_phrase(clause, state) for state in self.given_states):
                return start, start + len(clause)
        return None

    def side(self, hits: Sequence[LayerHit], sequence: Sequence[str], model: ServiceModel | None) -> Party | None:
        """The side the question asks about, when one side leads by SIDE_MARGIN."""
        party, by = self.lead(hits, sequence, model)
        return party if by >= SIDE_MARGIN else None

    def rule(self, key: str, model: ServiceModel | None) -> Concept | None:
        return self.rules.get((key, model)) or self.rules.get((key, None))


@dataclass(frozen=True)
class Clauses:
    """Each item's AWS and customer texts cut into clauses, so a question about one act of a duty
    ("who renews the certificate") meets the clause that states it, not the item as a whole."""

    by_item: dict[int, tuple[tuple[frozenset[str], ...], tuple[frozenset[str], ...]]]
    rarity: dict[str, float]  # log(clauses / clauses using the stem)

    def echoes(self, item: Responsibility, asked: frozenset[str]) -> tuple[float, float]:
        """How closely the question echoes the best clause of each side (sum of shared stems' rarity)."""
        aws, customer = self.by_item.get(id(item), ((), ()))
        aws_words, customer_words = frozenset().union(*aws), frozenset().union(*customer)
        return (self._best(aws, asked - customer_words), self._best(customer, asked - aws_words))

    def _best(self, clauses: tuple[frozenset[str], ...], asked: frozenset[str]) -> float:
        return max((math.fsum(self.rarity[w] for w in asked & clause) for clause in clauses), default=0.0)


_CLAUSE_END = re.compile(r"(?<=[.;:])\s+|\s+-\s+")


def build_clauses(knowledge: Knowledge, index: Indexes, labels: Labels) -> Clauses:
    """Clauses of every item's texts; an AWS clause that only offers a capability, and a customer
    clause with nothing to do, are left out (they point at neither side)."""
    capability = tuple(_stems(t) for t in knowledge.side_words.capability)
    by_item = {}
    counts: dict[str, int] = defaultdict(int)
    total = 0
    for key, service in knowledge.services.items():
        names = index.name_stems[key]
        for item in service.responsibilities:
            sides = []
            for party, text in (("AWS", item.aws), ("Customer", item.customer)):
                clauses = []
                for clause in _CLAUSE_END.split(text or ""):
                    stems = _stems(clause)
                    offers = party == "AWS" and any(stems[: len(c)] == c for c in capability)
                    if offers or not labels.has_part(clause):
                        continue
                    kept = frozenset(stems) - index.text_ignored - names
                    if kept:
                        clauses.append(kept)
                        total += 1
                        for w in kept:
                            counts[w] += 1
                sides.append(tuple(clauses))
            by_item[id(item)] = (sides[0], sides[1])
    return Clauses(by_item, {w: math.log(total / n) for w, n in counts.items()})


def _rule(layer: Layer, owner: Owner, model: ServiceModel | None) -> Concept:
    scope = "every AWS service" if layer.owner.all else f"{model} services"
    return Concept(
        topic=layer.topic,
        title=layer.title,
        explanation=f"General rule for {scope}: {layer.title[0].lower()}{layer.title[1:]}"
        + (": split between AWS and you." if owner == "Shared" else f" is {owner}'s."),
        owner=owner,
        category=layer.category,
        aws=layer.aws,
        customer=layer.customer,
        tools=layer.tools,
        sources=layer.sources,
    )


def build_layer_index(knowledge: Knowledge) -> LayerIndex:
    phrases_by_stem: dict[str, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
    rules: dict[tuple[str, ServiceModel | None], Concept] = {}
    for key, layer in knowledge.layers.items():
        for text in layer.phrases:
            phrase = _stems(text)
            if phrase:
                phrases_by_stem[phrase[0]].append((key, phrase))
        if layer.owner.all:
            rules[(key, None)] = _rule(layer, layer.owner.all, None)
        for model in MODELS:
            owner = layer.owner.under(model)
            if owner and not layer.owner.all:
                rules[(key, model)] = _rule(layer, owner, model)
    sides = knowledge.side_words
    return LayerIndex(
        layers=knowledge.layers,
        phrases_by_stem=dict(phrases_by_stem),
        side_words={
            "AWS": _weighted(sides.aws, sides.aws_strong),
            "Customer": _weighted(sides.customer, sides.customer_strong),
        },
        rules=rules,
        given=tuple(_stems(t) for t in sides.given),
        given_states=tuple(_stems(t) for t in sides.given_states),
        asking=frozenset(stem(w) for w in knowledge.vocabulary.asking_words),
        helpers=frozenset(stem(w) for w in sides.helpers),
        negations=frozenset(stem(w) for w in sides.negations),
    )


def _weighted(words_: tuple[str, ...], strong: tuple[str, ...]) -> tuple[tuple[tuple[str, ...], float], ...]:
    """Side words with their votes; a strong word counts double."""
    return tuple([(_stems(t), WORD_VOTE) for t in words_] + [(_stems(t), 2 * WORD_VOTE) for t in strong])


def side_owner(item: Responsibility, side: Party | None, labels: Labels) -> Party | None:
    """The owner of the side a question asks about, where the item gives that side a real part ("choose
    the window"); None when that side is the item's own owner or has nothing to do."""
    if side is None or item.owner == side:
        return None
    text = item.aws if side == "AWS" else item.customer
    return side if labels.has_part(text) else None
