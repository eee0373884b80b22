"""Indexes over the knowledge base, built once at load so each question costs only lookups."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.knowledge.loader import Knowledge
from bot.knowledge.text import compact, words
from bot.matching.text import stem

MIN_FUZZY_LENGTH = 5  # shorter words are too easily another word one typo away
NEAREST_CACHE_SIZE = 50_000


def max_typos(word: str) -> int:
    return 1 if len(word) < 8 else 2


@dataclass
class FuzzyWords:
    """Nearest known word for a typo, searched only among words of similar length."""

    by_length: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    # Chat repeats its words: remember answers (bounded) so a typo costs one search, not one per question.
    _nearest: dict[str, str | None] = field(default_factory=dict)

    def add(self, word: str) -> None:
        if len(word) >= MIN_FUZZY_LENGTH and word not in self.by_length[len(word)]:
            self.by_length[len(word)].append(word)

    def add_with_inflections(self, word: str) -> None:
        """A word and its common inflections, so 'encypts' is one typo from 'encrypts'."""
        self.add(word)
        if len(word) >= MIN_FUZZY_LENGTH and not word.endswith("s"):
            for suffix in ("es" if word.endswith(("x", "ch", "sh")) else "s", "ed", "ing"):
                self.add(word + suffix)

    def nearest(self, word: str) -> str | None:
        if word in self._nearest:
            return self._nearest[word]
        limit = max_typos(word)
        candidates = [w for n in range(len(word) - limit, len(word) + limit + 1) for w in self.by_length.get(n, ())]
        found = process.extractOne(word, candidates, scorer=OSA.distance, score_cutoff=limit)
        if len(self._nearest) >= NEAREST_CACHE_SIZE:
            self._nearest.clear()
        self._nearest[word] = found[0] if found else None
        return self._nearest[word]


@dataclass
class Indexes:
    aliases: dict[str, str]  # compact alias -> service key
    weak_aliases: dict[str, str]  # compact weak alias -> service key
    alias_word_forms: frozenset[tuple[str, ...]]  # aliases as written, word by word
    alias_words: FuzzyWords
    max_alias_words: int
    # stem -> (topic, phrase stems) for every topic phrase containing that stem
    phrases_by_stem: dict[str, list[tuple[str, frozenset[str]]]]
    stem_weight: dict[str, float]  # 1 / number of topic families whose phrases use the stem
    model_only_topics: frozenset[str]  # topics only model-wide entries answer (what is the SRM...)
    topic_words: FuzzyWords
    # words that say nothing about an item's own text (filler, cue words), and per service its names
    text_ignored: frozenset[str]
    name_stems: dict[str, frozenset[str]]
    # per service: the stems of each item's own text, and how rare each stem is among its items
    item_stems: dict[str, list[frozenset[str]]]
    item_stem_weight: dict[str, dict[str, float]]
    known_stems: frozenset[str]
    stopwords: frozenset[str]
    cues: list[frozenset[str]]
    greetings: list[frozenset[str]]
    other_clouds: list[frozenset[str]]
    on_premises: list[frozenset[str]]
    off_topic: list[frozenset[str]]


def _stems(phrase: str) -> frozenset[str]:
    return frozenset(stem(w) for w in words(phrase))


def build_indexes(knowledge: Knowledge) -> Indexes:
    vocabulary = knowledge.vocabulary
    stopwords = frozenset(stem(w) for phrase in vocabulary.stopwords for w in words(phrase))

    aliases: dict[str, str] = {}
    weak_aliases: dict[str, str] = {}
    alias_word_forms: set[tuple[str, ...]] = set()
    alias_words = FuzzyWords()
    max_alias_words = 1
    for key, service in knowledge.services.items():
        for name in (service.name, *service.aliases):
            aliases[compact(name)] = key
            alias_word_forms.add(tuple(words(name)))
            alias_words.add(compact(name))
            max_alias_words = max(max_alias_words, len(words(name)))
        for name in service.weak_aliases:
            weak_aliases[compact(name)] = key
            alias_word_forms.add(tuple(words(name)))
            max_alias_words = max(max_alias_words, len(words(name)))

    phrases_by_stem: dict[str, list[tuple[str, frozenset[str]]]] = defaultdict(list)
    topic_words = FuzzyWords()
    for key, topic in knowledge.topics.items():
        for text in topic.phrases:
            phrase = _stems(text)
            for s in phrase:
                phrases_by_stem[s].append((key, phrase))
            for w in words(text):
                topic_words.add_with_inflections(w)

    def family(topic: str) -> str:
        while knowledge.topics[topic].broader:
            topic = knowledge.topics[topic].broader or topic
        return topic

    # A word used by one family of topics ("patch") says more than one used by many ("data").
    families_of_stem: dict[str, set[str]] = defaultdict(set)
    for s, entries in phrases_by_stem.items():
        families_of_stem[s].update(family(topic) for topic, _phrase in entries)
    item_topics = {item.topic for service in knowledge.services.values() for item in service.responsibilities}
    used_topics = item_topics | {knowledge.topics[t].broader for t in item_topics if knowledge.topics[t].broader}

    def phrase_list(texts: tuple[str, ...]) -> list[frozenset[str]]:
        return [_stems(t) for t in texts]

    cues = phrase_list(vocabulary.responsibility_cues)
    greetings = phrase_list(vocabulary.greetings)
    other_clouds = phrase_list(vocabulary.declines.other_clouds)
    on_premises = phrase_list(vocabulary.declines.on_premises)
    off_topic = phrase_list(vocabulary.declines.off_topic)
    layer_texts = [t for layer in knowledge.layers.values() for t in layer.phrases]
    sides = knowledge.side_words
    side_texts = [*sides.aws, *sides.customer, *sides.aws_strong, *sides.customer_strong]
    for text in (*layer_texts, *side_texts):
        for w in words(text):
            topic_words.add_with_inflections(w)
    declines = vocabulary.declines
    for group in (vocabulary.responsibility_cues, declines.off_topic, declines.other_clouds, declines.on_premises):
        for text in group:
            for w in words(text):
                topic_words.add(w)
    ignored = frozenset(stopwords).union(*cues)
    name_stems: dict[str, frozenset[str]] = {}
    item_stems: dict[str, list[frozenset[str]]] = {}
    item_stem_weight: dict[str, dict[str, float]] = {}
    for key, service in knowledge.services.items():
        names = name_stems[key] = frozenset(stem(w) for name in (service.name, *service.aliases) for w in words(name))
        stems_per_item = [
            frozenset(stem(w) for w in words(f"{knowledge.topics[i.topic].label} {i.aws} {i.customer}"))
            - ignored
            - names
            for i in service.responsibilities
        ]
        frequency: dict[str, int] = defaultdict(int)
        for stems in stems_per_item:
            for st in stems:
                frequency[st] += 1
        item_stems[key] = stems_per_item
        item_stem_weight[key] = {st: 1 / n for st, n in frequency.items()}
    known = set(stopwords) | set(phrases_by_stem)
    for text in (*layer_texts, *side_texts):
        known |= _stems(text)
    for phrases in (cues, greetings, other_clouds, on_premises, off_topic):
        for stems in phrases:
            known |= stems
    return Indexes(
        aliases=aliases,
        weak_aliases=weak_aliases,
        alias_word_forms=frozenset(alias_word_forms),
        alias_words=alias_words,
        max_alias_words=max_alias_words,
        phrases_by_stem=dict(phrases_by_stem),
        stem_weight={s: 1 / len(f) for s, f in families_of_stem.items()},
        model_only_topics=frozenset(knowledge.topics) - used_topics,
        topic_words=topic_words,
        text_ignored=ignored,
        name_stems=name_stems,
        item_stems=item_stems,
        item_stem_weight=item_stem_weight,
        known_stems=frozenset(known),
        stopwords=stopwords,
        cues=cues,
        greetings=greetings,
        other_clouds=other_clouds,
        on_premises=on_premises,
        off_topic=off_topic,
    )
