"""AWS services known by name only: found in a question, they are answered as "not curated yet".

Without this a name the bot does not curate ("Amazon MQ") was read as the nearest curated alias
("Amazon S3") and answered from that service's card. The catalog's names are looked up before the
matcher's typo search, so a real service's name is never taken for a misspelt other one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.knowledge.loader import BRANDS, Knowledge
from bot.knowledge.schema import CatalogService, Concept
from bot.knowledge.text import compact, words
from bot.matching.answer import Answer
from bot.matching.layers import LayerIndex
from bot.matching.text import stem

if TYPE_CHECKING:
    from bot.matching.matcher import Reading

RULE_CONFIDENCE = 0.8  # a general rule, not a checked answer for this service
NAME_ONLY_CONFIDENCE = 0.5


@dataclass(frozen=True)
class CatalogHit:
    key: str
    start: int
    length: int
    # "Amazon MQ" wins even when a curated service is named too; a bare name ("Cloud Map", "acm") yields
    # to a curated service named elsewhere in the question ("the acm certificate on our alb").
    strong: bool


@dataclass(frozen=True)
class CatalogIndex:
    forms: dict[str, tuple[str, bool]]  # compact name -> (catalog key, strong)
    # short names that stand alone, as one word only: "trustedadvisor" yes, "trusted advisor" is a name
    abbreviations: dict[str, str]
    max_words: int
    keys: frozenset[str] = frozenset()  # every catalog key, which names its service too ("kendra")

    def hits(self, tokens: Sequence[str]) -> list[CatalogHit]:
        """Every catalog name in the question, longest first; a word belongs to one name at most."""
        found: list[CatalogHit] = []
        used: set[int] = set()
        for length in range(min(self.max_words, len(tokens)), 0, -1):
            for start in range(len(tokens) - length + 1):
                joined = "".join(tokens[start : start + length])
                short = self.abbreviations.get(joined) if length == 1 else None
                form = (short, False) if short else self.forms.get(joined)
                span = range(start, start + length)
                if form and not used.intersection(span):
                    found.append(CatalogHit(form[0], start, length, form[1]))
                    used.update(span)
        return sorted(found, key=lambda h: h.start)

    def key_for(self, name: str) -> str | None:
        """The catalog key a whole name stands for ("amazon mq", "quicksight", or a key such as
        "kendra"), for `srm service`."""
        if name.strip().lower() in self.keys:
            return name.strip().lower()
        tokens = words(name)
        found = self.hits(tokens)
        return found[0].key if len(found) == 1 and found[0].length == len(tokens) else None


def build_catalog_index(knowledge: Knowledge) -> CatalogIndex:
    """Names as they may be typed. A one-word name counts only after "AWS"/"Amazon" ("aws signer"),
    so plain words ("connect", "health") are never read as a service; curated names are left out."""
    curated = {compact(n) for s in knowledge.services.values() for n in (s.name, *s.aliases, *s.weak_aliases)}
    # a duty's or layer's own phrase ("aws artifact" names AWS's audit reports) stays theirs
    phrases = [*(p for t in knowledge.topics.values() for p in t.phrases)]
    curated |= {compact(p) for p in (*phrases, *(p for layer in knowledge.layers.values() for p in layer.phrases))}
    forms: dict[str, tuple[str, bool]] = {}
    abbreviations: dict[str, str] = {}
    max_words = 1

    def add(name: str, key: str, strong: bool) -> None:
        nonlocal max_words
        form = compact(name)
        existing = forms.get(form)
        if form and form not in curated and (existing is None or (strong and not existing[1])):
            forms[form] = (key, strong)
            max_words = max(max_words, len(words(name)))

    for key, entry in sorted(knowledge.catalog.items()):
        for name in (entry.name, *entry.names):
            parts = words(name)
            bare = parts[1:] if parts and parts[0] in BRANDS else parts
            if len(bare) > 1:
                add(" ".join(bare), key, False)
            if len(bare) > 1 or (bare and not entry.ordinary_word):
                for brand in BRANDS:
                    add(f"{brand} {' '.join(bare)}", key, True)
        for short in entry.abbreviations:
            if compact(short) not in curated:
                abbreviations.setdefault(compact(short), key)
            for brand in BRANDS:
                add(f"{brand} {short}", key, True)
    return CatalogIndex(forms, abbreviations, max_words, frozenset(knowledge.catalog))


def named_service(index: CatalogIndex, reading: Reading) -> CatalogHit | None:
    """The uncurated service a question is about, if any. A curated name exactly as typed keeps the
    words it covers when it is at least as long; typo guesses never do."""
    named = [h for h in reading.services if h.exact]
    curated = [h for h in named if not h.weak]
    chosen: list[CatalogHit] = []
    for hit in index.hits(reading.tokens):
        covered = any(
            c.start < hit.start + hit.length and hit.start < c.start + c.length and c.length >= hit.length
            for c in curated
        )
        if not covered:
            chosen.append(hit)
    strong = [h for h in chosen if h.strong]
    if strong:
        return strong[0]
    spans = {(h.start, h.length) for h in chosen}
    # a product name a curated service answers to ("alb", "postgres") counts here too
    elsewhere = [
        c for c in named if not any(s <= c.start < s + n or c.start <= s < c.start + c.length for s, n in spans)
    ]
    return chosen[0] if chosen and not elsewhere else None


def general_rule(layers: LayerIndex, tokens: Sequence[str], hit: CatalogHit, entry: CatalogService) -> Concept | None:
    """The layer table's rule for the first layer the question names, outside the service's own name
    ("AWS Certificate Manager" names no certification), that has one under the service's model. On
    hardware you hold (Outposts, Snow) the rules for AWS's data centres do not apply."""
    outside = [stem(t) for i, t in enumerate(tokens) if not hit.start <= i < hit.start + hit.length]
    for named in layers.named(outside):
        if entry.on_premises and layers.layers[named.key].owner.all == "AWS":
            continue
        rule = layers.rule(named.key, entry.model)
        if rule:
            return rule
    return None


def uncurated_answer(text: str, key: str, entry: CatalogService, rule: Concept | None) -> Answer:
    """Names the service, says it is not curated, and gives the general rule only where one applies."""
    docs = (entry.security_docs,) if entry.security_docs else ()
    if rule is None:
        return Answer(
            text,
            "answered",
            "uncurated",
            service=key,
            sources=docs,
            confidence=NAME_ONLY_CONFIDENCE,
            message=f"{entry.name} is not curated yet: I have no checked answer for it.",
        )
    return Answer(
        text,
        "answered",
        "uncurated",
        service=key,
        topic=rule.topic,
        owner=rule.owner,
        category=rule.category,
        tools=rule.tools,
        sources=(*docs, *rule.sources),
        concept=rule,
        confidence=RULE_CONFIDENCE,
        basis="layer",
        message=f"{entry.name} is not curated yet: this is the general rule, not a checked answer for it.",
    )
