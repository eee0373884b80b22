"""Question -> Answer: find the service and the duty a message is about, and who owns it."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from itertools import pairwise

from bot.knowledge.labels import Labels
from bot.knowledge.loader import Knowledge
from bot.knowledge.schema import Concept, Responsibility, Service, ServiceModel
from bot.knowledge.text import compact, words
from bot.matching.answer import Answer, Suggestion, concept_answer, item_answer, summary_answer
from bot.matching.catalog import CatalogIndex, build_catalog_index, general_rule, named_service, uncurated_answer
from bot.matching.layers import (
    FLIP_MARGIN,
    SIDE_MARGIN,
    LayerHit,
    LayerIndex,
    build_clauses,
    build_layer_index,
    side_owner,
)
from bot.matching.overlay import internal_owner
from bot.matching.text import clean_question, has_phrase, stem
from bot.matching.vocabulary import MIN_FUZZY_LENGTH, Indexes, build_indexes

HELP_TEXT = (
    'Ask me who owns a security duty on AWS, e.g. "who patches RDS?", "do I encrypt S3 or does AWS?", '
    'or name a service for its summary ("ec2").'
)
DECLINE_OTHER_CLOUD = "I only know the AWS Shared Responsibility Model, not other clouds."
DECLINE_OFF_TOPIC = "That is not a question about who secures what on AWS, so I will leave it to a human."
DECLINE_UNKNOWN = "I could not find an AWS service or security duty in that question."
TRUNCATED_NOTE = "Your question was longer than 1,000 characters; I read only the start of it."

PRODUCT_BRANDS = frozenset({"amazon", "aws"})
FUZZY_PENALTY = 0.85
WEAK_TOPIC_PENALTY = 0.85
FALLBACK_TOPIC_PENALTY = 0.7
SAME, NARROWER, BROADER, SIBLING = range(4)
_LEAD_IN = re.compile(r"[:;]|\s[-\u2013\u2014]\s")  # "HA for the db: rds vs ec2" - the lead-in ends here
TIE_MARGIN = 0.3
TEXT_MATCH_MIN = 1.5  # sum of word rarities; one word unique to an item scores 1
TEXT_MATCH_MARGIN = 0.5
TEXT_MATCH_CONFIDENCE = 0.75
DESTINATION_REACH = 8  # "backs up an Aurora DB cluster volume to S3": the sending verb stands this close
OR_GAP = 3  # "or" compares two services only with at most this many words between them ("rds or the ec2")


@dataclass(frozen=True)
class ServiceHit:
    key: str
    start: int
    length: int
    exact: bool
    weak: bool = False  # a product name ("kafka") standing for a service no other word names


@dataclass(frozen=True)
class Reading:
    """What a question contains, before deciding how to answer it."""

    services: list[ServiceHit]
    topics: list[tuple[str, float]]  # best first, scored by how specific the matched words are
    topic_words: int  # question words the best topic covers (2+ is a confident topic)
    has_cue: bool
    greeting_only: bool
    other_cloud: bool
    on_premises: bool  # "on prem", "vmware": declined unless an AWS service that runs there is named
    off_topic: bool
    content_words: int
    unexplained_words: int  # words that are neither filler, a service, a duty nor a cue
    words: frozenset[str]  # stems of the words not naming a service, for matching item texts
    sequence: tuple[str, ...] = ()  # the same stems in question order
    tokens: tuple[str, ...] = ()  # every word as typed (service names too); hits' positions index it
    layers: tuple[LayerHit, ...] = ()  # layers of the stack the question names, most specific first
    comparison: bool = False  # a comparison word ("vs", "or"); compared only if two subject services are named
    explicit_comparison: bool = False  # "vs", "versus", "compare": every named service is compared
    asks_split: bool = False  # offers "both" / "shared" as an answer


class Matcher:
    def __init__(self, knowledge: Knowledge):
        self.knowledge = knowledge
        self.index: Indexes = build_indexes(knowledge)
        self.layers: LayerIndex = build_layer_index(knowledge)
        self.labels = Labels.from_vocabulary(knowledge.vocabulary)
        self.clauses = build_clauses(knowledge, self.index, self.labels)
        self.comparison_cues = frozenset(knowledge.vocabulary.comparison_cues)
        self.explicit_cues = frozenset(knowledge.vocabulary.explicit_comparison_cues)
        self.asking_words = frozenset(knowledge.vocabulary.asking_words)
        self.noun_forms = frozenset(knowledge.side_words.noun_forms)
        self.destination_words = frozenset(knowledge.vocabulary.destination_words)
        self.destination_fillers = frozenset(knowledge.vocabulary.destination_fillers)
        self.destination_verbs = frozenset(knowledge.vocabulary.destination_verbs)
        self.split_cues = tuple(tuple(words(cue)) for cue in knowledge.vocabulary.split_cues)
        self.catalog: CatalogIndex = build_catalog_index(knowledge)

    # --- reading ------------------------------------------------------------------------------
    def read(self, text: str) -> Reading:
        index = self.index
        tokens = words(text)
        services, used = self._find_services(tokens)
        kept = [t for i, t in enumerate(tokens) if i not in used]
        stems = [self._known_stem(t) for t in kept]
        present = set(stems)
        # words of a service's name still count inside a longer duty phrase ("vpc endpoint")
        named = {stem(t) for i, t in enumerate(tokens) if i in used}
        content = [s for s in stems if s not in index.stopwords]
        greeting_stems = set().union(*[g for g in index.greetings if g <= present]) if present else set()
        # phrases count where their words stand together: "for ... me" is not the cue "for me"
        off_topic = [p for p in index.off_topic if p <= present and _adjacent(p, stems)]
        # a cue inside an off-topic phrase ("how do i", "should we use") is not a cue
        cues = [c for c in index.cues if c <= present and _adjacent(c, stems) and not any(c <= p for p in off_topic)]
        topics, covered = self._score_topics(present, named, stems)
        return Reading(
            services=services,
            topics=topics,
            topic_words=covered,
            has_cue=bool(cues),
            greeting_only=bool(greeting_stems) and all(s in greeting_stems for s in content),
            other_cloud=any(c <= present for c in index.other_clouds),
            on_premises=any(c <= present for c in index.on_premises),
            off_topic=bool(off_topic),
            content_words=len(content),
            unexplained_words=sum(1 for s in content if s not in index.known_stems),
            words=frozenset(content),
            # a noun that stems like a configuring verb ("configuration") keeps its own form: not an act
            sequence=tuple(t if t in self.noun_forms else s for t, s in zip(kept, stems, strict=True)),
            tokens=tuple(tokens),
            layers=tuple(self.layers.named([stem(t) for i, t in enumerate(tokens) if i not in used])),
            comparison=not self.comparison_cues.isdisjoint(tokens),
            explicit_comparison=not self.explicit_cues.isdisjoint(tokens),
            asks_split=any(has_phrase(tokens, cue) for cue in self.split_cues),
        )

    def _find_services(self, tokens: list[str]) -> tuple[list[ServiceHit], set[int]]:
        """Longest alias spans first, exact before fuzzy; each word belongs to at most one service."""
        hits: list[ServiceHit] = []
        used: set[int] = set()
        aliases = self.index.aliases
        for length in range(min(self.index.max_alias_words, len(tokens)), 0, -1):
            for start in range(len(tokens) - length + 1):
                span = range(start, start + length)
                words_ = tokens[start : start + length]
                key = aliases.get("".join(words_))
                if key and not used.intersection(span) and self._is_alias_span(words_):
                    hits.append(ServiceHit(key, start, length, exact=True))
                    used.update(span)
        for length in (2, 1):
            for start in range(len(tokens) - length + 1):
                span = range(start, start + length)
                words_ = tokens[start : start + length]
                joined = "".join(words_)
                if used.intersection(span) or len(joined) < MIN_FUZZY_LENGTH or not self._may_be_a_typo(words_):
                    continue
                near = self.index.alias_words.nearest(joined)
                if near:
                    hits.append(ServiceHit(aliases[near], start, length, exact=False))
                    used.update(span)
        if not hits:
            hits, used = self._find_weak_services(tokens)
        else:
            hits += self._weak_beside_cue(tokens, used)
        hits.sort(key=lambda h: h.start)
        return hits, used

    def _weak_beside_cue(self, tokens: list[str], used: set[int]) -> list[ServiceHit]:
        """A product name right beside "vs" is the service compared ("Organizations vs WorkSpaces"),
        even though another service is named. Marks its words used."""
        weak = self.index.weak_aliases
        hits = []
        for cue in (i for i, t in enumerate(tokens) if t in self.explicit_cues):
            for length in range(min(self.index.max_alias_words, len(tokens)), 0, -1):
                for start in (cue - length, cue + 1):
                    span = set(range(start, start + length))
                    if start < 0 or start + length > len(tokens) or span & used:
                        continue
                    key = weak.get("".join(tokens[start : start + length]))
                    if key:
                        hits.append(ServiceHit(key, start, length, exact=True, weak=True))
                        used |= span
        return hits

    def _find_weak_services(self, tokens: list[str]) -> tuple[list[ServiceHit], set[int]]:
        """Product names such as 'postgres' stand for a service only when no service is named."""
        weak = self.index.weak_aliases
        for length in range(min(self.index.max_alias_words, len(tokens)), 0, -1):
            for start in range(len(tokens) - length + 1):
                key = weak.get("".join(tokens[start : start + length]))
                if key and self._is_alias_span(tokens[start : start + length]):
                    return [ServiceHit(key, start, length, exact=True, weak=True)], set(range(start, start + length))
        return [], set()

    def _is_alias_span(self, words_: list[str]) -> bool:
        """An alias written as listed, or run together / split ('dynamo db') unless that splits a duty
        phrase: 'aws back up' is the verb, not AWS Backup."""
        if len(words_) == 1 or tuple(words_) in self.index.alias_word_forms:
            return True
        stems = frozenset(stem(w) for w in words_)
        return not any(
            len(phrase) > 1 and phrase <= stems
            for w in words_
            for _topic, phrase in self.index.phrases_by_stem.get(stem(w), ())
        )

    def _may_be_a_typo(self, words_: list[str]) -> bool:
        """Unknown words may be a misspelt service, but not filler or a misspelt duty word ('pacth')."""
        index = self.index
        if len(words_) == 2 and words_[0] in ("aws", "amazon"):
            words_ = words_[1:]  # "aws bakcup" may be "AWS Backup" misspelt
        unknown = [w for w in words_ if stem(w) not in index.known_stems]
        # a known word ("own" in "our own elasticsearch") is not half of a misspelt name
        if len(unknown) < len(words_) or any(w in index.stopwords for w in words_):
            return False
        return not any(index.topic_words.nearest(w) for w in unknown)

    def _known_stem(self, token: str) -> str:
        stemmed = stem(token)
        if stemmed in self.index.known_stems or len(token) < MIN_FUZZY_LENGTH or token.isdigit():
            return stemmed
        near = self.index.topic_words.nearest(token)
        return stem(near) if near else stemmed

    def _score_topics(
        self, present: set[str], named: set[str], sequence: list[str]
    ) -> tuple[list[tuple[str, float]], int]:
        """Rank topics by the question words their matched phrases cover, each word weighted by how
        specific it is ('replicated' names one topic, 'data' names many)."""
        covered: dict[str, set[str]] = {}
        longest: dict[str, int] = {}
        stopwords, weight = self.index.stopwords, self.index.stem_weight
        for s in present:
            for topic, phrase in self.index.phrases_by_stem.get(s, ()):
                if phrase <= present or (len(phrase) > 1 and phrase <= present | named):
                    covered.setdefault(topic, set()).update(phrase)
                    if _adjacent(phrase, sequence):
                        longest[topic] = max(longest.get(topic, 0), len(phrase - stopwords))
        # a multi-word phrase ("control plane") is more specific than its words apart
        scores = {
            t: math.fsum(weight[w] for w in c - stopwords)
            + 0.1 * len(c & stopwords)
            + 0.5 * max(longest.get(t, 1) - 1, 0)
            for t, c in covered.items()
        }
        topics = self.knowledge.topics
        boosted = {}
        for key, score in scores.items():
            broader = topics[key].broader
            boosted[key] = score + (0.5 * scores[broader] if broader in scores else 0)
        # ties go to the topic key, so the order never depends on set iteration (PYTHONHASHSEED)
        ranked = sorted(boosted.items(), key=lambda kv: (-kv[1], kv[0]))
        best_words = len(covered[ranked[0][0]] - stopwords) if ranked else 0
        return self._prefer_broader_on_tie(ranked), best_words

    def _prefer_broader_on_tie(self, ranked: list[tuple[str, float]]) -> list[tuple[str, float]]:
        """Narrower topics of one broader topic sharing the lead mean the question is about the broader
        one ("inherited, shared and customer-specific controls" -> control categories)."""
        if len(ranked) < 2:
            return ranked
        topics = self.knowledge.topics
        top_score = ranked[0][1]
        broader = topics[ranked[0][0]].broader
        close = [t for t, score in ranked if top_score - score <= TIE_MARGIN and topics[t].broader == broader]
        if broader is None or len(close) < 2:
            return ranked
        return [(broader, top_score), *[(t, s) for t, s in ranked if t != broader]]

    # --- answering ----------------------------------------------------------------------------
    def match(self, question: str) -> Answer:
        text, truncated = clean_question(question)
        reading = self.read(text)
        answer = self._with_internal_owner(self._uncurated(text, reading) or self._answer(text, reading))
        if truncated:
            note = f"{answer.message} {TRUNCATED_NOTE}" if answer.message else TRUNCATED_NOTE
            answer = replace(answer, truncated=True, message=note)
        return answer

    def _uncurated(self, text: str, reading: Reading) -> Answer | None:
        """A service known by name only (knowledge/catalog.yaml): never answered from another's card."""
        if reading.other_cloud or (reading.off_topic and not reading.has_cue):
            return None
        tokens = reading.tokens
        hit = named_service(self.catalog, reading)
        if hit is None:
            return None
        rest = [t for i, t in enumerate(tokens) if not hit.start <= i < hit.start + hit.length]
        if not (reading.topics or reading.layers or reading.has_cue) and any(
            stem(t) not in self.index.known_stems for t in rest
        ):
            return None  # "generate a cloudformation template": not a question about a duty
        entry = self.knowledge.catalog[hit.key]
        return uncurated_answer(text, hit.key, entry, general_rule(self.layers, tokens, hit, entry))

    def _with_internal_owner(self, answer: Answer) -> Answer:
        if answer.owner not in ("Customer", "Shared"):
            return answer
        team = internal_owner(self.knowledge, answer.service, answer.topic)
        return replace(answer, internal_owner=team) if team else answer

    def _answer(self, text: str, reading: Reading) -> Answer:
        """The resolution order, in one place:
        1. not ours (another cloud; on-premises with no AWS service named; greeting, off-topic) -> help or
           decline ("our on-premises storage gateway" names one: Storage Gateway's appliance is answered);
        2. two services and a comparison word -> each answered on its own, side by side;
        3. a layer AWS owns under every model (facilities, hypervisor, AWS staff) -> AWS, unless the
           service has an item on that very topic (Outposts' racks are yours); a control AWS calls
           shared as a whole, asked "AWS's alone, ours, or shared?" -> Shared;
        4. a service's item on the duty -> its owner, or the owner of the side the question asks about;
        5. no item -> the layer table's general rule for the service's model;
        6. otherwise ask back with choices."""
        if reading.other_cloud or (reading.on_premises and not any(h.exact for h in reading.services)):
            return Answer(text, "out_of_scope", "decline", message=DECLINE_OTHER_CLOUD)
        if not reading.services and not reading.topics and not reading.layers:
            if reading.greeting_only or reading.content_words == 0:
                return Answer(text, "out_of_scope", "help", message=HELP_TEXT)
            return Answer(text, "out_of_scope", "decline", message=DECLINE_UNKNOWN)
        if reading.off_topic and not (reading.has_cue and (reading.topics or reading.layers)):
            return Answer(text, "out_of_scope", "decline", message=DECLINE_OFF_TOPIC)
        if reading.services and reading.services[0].weak and self._names(reading, "self_managed"):
            # "we self-host kafka": not the managed service's card
            reading = replace(reading, services=[])
        if not reading.services:
            return self._without_service(text, reading)
        if reading.comparison and (reading.topics or reading.layers) and len(self._compared(reading)) > 1:
            return self._compare(text, reading)
        service, rivals, confidence = self._pick_service(reading)
        fixed = self.layers.fixed(reading.layers)
        if fixed and not self._item_on(service, self.layers.layers[fixed.key].topic):
            # the same for every service: asked of several at once, it is answered for none in particular
            several = len(self._subjects(reading)) > 1
            return self._layer_answer(text, fixed.key, None if several else service, confidence)
        split = self._whole_shared_control(reading)
        if split:  # "is data protection for AppSync AWS's alone, ours, or shared?": a control AWS calls shared
            return self._layer_answer(text, split.key, service, confidence)
        if reading.topics and reading.topics[0][0] in self.index.model_only_topics:
            # "shared responsibility for rds": the model's own vocabulary says nothing about the duty
            reading = replace(reading, topics=[t for t in reading.topics if t[0] not in self.index.model_only_topics])
        if not reading.topics:
            rule = self._general_rule(text, reading, service, confidence)
            return rule or self._service_only(text, service, reading, confidence)
        answer = self._service_and_topic(text, service, rivals, reading, confidence)
        if answer.kind == "item" and answer.status == "answered" and answer.item:
            return self._asked_side(text, answer, reading, service, confidence)
        if answer.kind == "summary" and answer.status == "ambiguous":
            return self._general_rule(text, reading, service, confidence) or answer
        return answer

    def _whole_shared_control(self, reading: Reading) -> LayerHit | None:
        """A control AWS calls shared, asked about as a whole with both sides offered as the answer."""
        return self.layers.split_control(reading.layers) if reading.asks_split else None

    def _names(self, reading: Reading, layer: str) -> bool:
        return any(hit.key == layer for hit in reading.layers)

    def _item_on(self, service: Service, topic: str) -> Responsibility | None:
        return next((item for item in service.responsibilities if item.topic == topic), None)

    def _layer_answer(self, text: str, layer: str, service: Service | None, confidence: float) -> Answer:
        rule = self.layers.rule(layer, service.model if service else None)
        assert rule is not None
        return concept_answer(text, rule, 0.9 * confidence, service=service, basis="layer")

    def _general_rule(self, text: str, reading: Reading, service: Service | None, confidence: float) -> Answer | None:
        """The layer table's rule for the first named layer that has one under the service's model."""
        model = service.model if service else None
        for hit in reading.layers:
            if self.layers.rule(hit.key, model):
                return self._layer_answer(text, hit.key, service, confidence)
        return None

    def _asked_side(self, text: str, answer: Answer, reading: Reading, service: Service, confidence: float) -> Answer:
        """Turn an item's answer to the side the question asks about. A side named by a layer the
        customer always owns ("client-side", "our own", "maintenance window") that the item has no part
        for is answered by that layer's general rule instead of the item's other side. A lean that
        cannot pick a side is asked back rather than answered with the headline owner."""
        assert answer.item is not None
        item = answer.item
        if item.owner != "Customer" and service.model != "abstract" and self._names(reading, "self_managed"):
            # software they run themselves on EC2 or in containers is theirs, whatever the host item echoes
            return self._layer_answer(text, "self_managed", service, confidence)
        layers = [h for h in reading.layers if self.layers.layers[h.key].picks_side]
        echoes = self.clauses.echoes(item, frozenset(reading.sequence))
        leaning, by = self.layers.lead(layers, reading.sequence, self._model_asked(service, reading), echoes)
        side = leaning if by >= (SIDE_MARGIN if item.owner == "Shared" else FLIP_MARGIN) else None
        party = side_owner(item, side, self.labels)
        if party:
            return replace(answer, owner=party, side=party, basis="side")
        if side == "Customer" and item.owner != "Customer":
            for hit in layers:
                if self.layers.layers[hit.key].owner.all == "Customer":
                    return self._layer_answer(text, hit.key, service, confidence)
        if item.owner != "Shared" and by >= SIDE_MARGIN and side_owner(item, leaning, self.labels):
            # the question leans to the side the item's owner does not hold: ask back, never guess
            return self._both_sides(answer, service)
        if item.owner == "Shared" and (by > 0 or min(echoes) > 0) and not reading.asks_split:
            # "who does X?" wants one party; a split duty without a side asked (a lean too small, or a
            # question echoing both parts alike) is asked back, both parts shown
            return self._both_sides(answer, service)
        return answer

    def _model_asked(self, service: Service, reading: Reading) -> ServiceModel:
        """A container service asked about on EC2 ("ECS on our EC2 container instances") is asked about
        the instances it runs on: their layers are owned as under the infrastructure model."""
        services = self.knowledge.services
        on_infrastructure = any(services[h.key].model == "infrastructure" for h in reading.services)
        return "infrastructure" if service.model == "container" and on_infrastructure else service.model

    def _both_sides(self, answer: Answer, service: Service) -> Answer:
        label = f"{service.name}: {self._label(answer.topic or '')}"
        choices = (Suggestion(service.key, answer.topic, f"{label} (AWS's part and yours)"),)
        return replace(
            answer,
            status="ambiguous",
            owner=None,
            category=None,
            confidence=round(answer.confidence * 0.5, 2),
            suggestions=choices + answer.suggestions[:2],
        )

    def _without_service(self, text: str, reading: Reading) -> Answer:
        """A duty or layer with no service: a layer AWS always owns, a model-wide entry (turned to the
        side asked about), or the general rule of a layer."""
        fixed = self.layers.fixed(reading.layers)
        if fixed:
            return self._layer_answer(text, fixed.key, None, 1.0)
        if not reading.topics:
            return self._general_rule(text, reading, None, 1.0) or Answer(
                text, "out_of_scope", "decline", message=DECLINE_UNKNOWN
            )
        answer = self._topic_only(text, reading)
        split = self._whole_shared_control(reading)
        if split and not (answer.status == "answered" and answer.owner == "Shared"):
            return self._layer_answer(text, split.key, None, 1.0)
        concept = answer.concept
        if concept and concept.owner == "Shared" and answer.status == "answered":
            side = self.layers.side(reading.layers, reading.sequence, None)
            text_of = {"AWS": concept.aws, "Customer": concept.customer}
            if side and self.labels.has_part(text_of[side]):
                return replace(answer, owner=side, side=side, basis="side")
        return answer

    def _compare(self, text: str, reading: Reading) -> Answer:
        """Each subject service answered on its own, in the order asked; one owner only if all agree.
        Words that qualify one side ("self-managed postgres on ec2") go to that side only."""
        keys = self._compared(reading)
        parts = []
        for key, part_text in zip(keys, self._comparison_parts(text, reading, keys), strict=True):
            part_reading = self.read(part_text)
            hits = [h for h in part_reading.services if h.key == key] or [h for h in reading.services if h.key == key]
            part = self._answer(part_text, replace(part_reading, services=hits, comparison=False))
            parts.append(part)
        owners = {p.owner for p in parts}
        topics = {p.topic for p in parts}
        return Answer(
            text,
            "answered",
            "comparison",
            topic=topics.pop() if len(topics) == 1 else None,
            owner=owners.pop() if len(owners) == 1 else None,
            confidence=min(p.confidence for p in parts),
            sources=tuple(dict.fromkeys(url for p in parts for url in p.sources)),
            parts=tuple(parts),
        )

    def _compared(self, reading: Reading) -> list[str]:
        """The services a comparison is between: after "vs", every one named before the asking clause
        ("api gateway vs appsync - who sends logs to cloudwatch?" compares two); after "or", the subjects,
        and only when the "or" stands between them ("... batch's job, aws's, or both?" compares nothing)."""
        tokens = reading.tokens
        if not reading.explicit_comparison:
            subjects = set(self._subjects(reading, False))
            hits = sorted((h for h in reading.services if h.key in subjects), key=lambda h: h.start)
            paired: list[str] = []
            for left, right in pairwise(hits):
                gap = tokens[left.start + left.length : right.start]
                if left.key != right.key and len(gap) <= OR_GAP and not self.comparison_cues.isdisjoint(gap):
                    paired += [left.key, right.key]  # "rds or ec2", "lambda or the fargate"
            return list(dict.fromkeys(paired)) or [hits[0].key]
        cue = next(i for i, t in enumerate(tokens) if t in self.explicit_cues)
        asking = next((i for i in range(cue, len(tokens)) if tokens[i] in self.asking_words), len(tokens))
        return list(dict.fromkeys(h.key for h in reading.services if h.start < asking))

    def _comparison_parts(self, text: str, reading: Reading, keys: list[str]) -> list[str]:
        """The question as each compared service's own question: its segment between the comparison
        words, plus what all sides share: a lead-in set off by a colon or dash ("HA for the db: rds vs
        ec2") and the asking clause after the last service ("rds vs self-managed postgres on ec2: who
        patches the engine?"). Words before the first service with no such mark qualify that service."""
        tokens = list(reading.tokens)
        first = {k: min(h.start for h in reading.services if h.key == k) for k in keys}
        start = min(first.values())
        last_end = max(h.start + h.length for h in reading.services if h.key in first)
        mark = _LEAD_IN.search(text)
        lead_in = len(words(text[: mark.start()])) if mark else 0
        lead_in = lead_in if lead_in <= start else 0
        if not self.asking_words.isdisjoint(tokens[:start]):
            lead_in = start  # "who patches the os, lambda or fargate?": the question comes first, for all
        cuts = [i for i, t in enumerate(tokens) if t in self.comparison_cues and start < i < last_end]
        after = max(cuts, default=start)  # the asking clause follows the last comparison word
        asking = next((i for i in range(after, len(tokens)) if tokens[i] in self.asking_words), None)
        end = asking if asking is not None else last_end
        bounds = [lead_in, *cuts, end]
        parts = []
        for key in keys:
            a, b = next(((a, b) for a, b in pairwise(bounds) if a <= first[key] < b), (start, len(tokens)))
            segment = tokens[a + (a in cuts) : b]
            parts.append(" ".join(tokens[:lead_in] + segment + tokens[end:]))
        return parts

    def _pick_service(self, reading: Reading) -> tuple[Service, list[Service], float]:
        """The service a question is about, and rival services it names as equally likely subjects.
        Software the customer runs itself is asked about on the infrastructure it runs on ("our own
        Elasticsearch on EC2 instead of OpenSearch" is EC2's)."""
        services = self.knowledge.services
        exact = {h.key for h in reading.services if h.exact}
        self_managed = self._names(reading, "self_managed")
        subjects = self._subjects(reading, infrastructure_yields=not self_managed)
        if self_managed:
            subjects.sort(key=lambda k: services[k].model != "infrastructure")  # stable: order asked otherwise
            if services[subjects[0]].model == "infrastructure":
                subjects = subjects[:1]  # the managed service named is the one they do not use
        primary = subjects[0]
        confidence = 1.0 if primary in exact else FUZZY_PENALTY
        return services[primary], [services[k] for k in subjects[1:]], confidence

    def _subjects(self, reading: Reading, infrastructure_yields: bool = True) -> list[str]:
        """The named services that are subjects, in the order asked. A service that is only context
        yields: one named as where something is sent ("snapshots into S3"), the usual tool for the duty
        asked (KMS for keys), one the other lists as a tool, and (unless `infrastructure_yields` is off:
        software they run themselves) one another named service acts on (S3 beside Macie) or the
        infrastructure the other runs in (VPC, EC2)."""
        services = self.knowledge.services
        named = list(dict.fromkeys(h.key for h in reading.services))
        concept = self._concept_for(reading.topics[0][0]) if reading.topics else None
        topic_tools = set(concept.tools) if concept else set()
        tools_of = {k: {t for item in services[k].responsibilities for t in item.tools} for k in named}
        destinations = {h.key for h in reading.services if services[h.key].destination and self._sent_to(reading, h)}
        context_rules = [
            lambda k, rest: k in destinations,
            lambda k, rest: k in topic_tools,
            lambda k, rest: any(k in tools_of[o] for o in rest if o != k),
        ]
        if infrastructure_yields:
            context_rules.insert(0, lambda k, rest: any(k in services[o].acts_on for o in rest if o != k))
            context_rules.append(lambda k, rest: services[k].model == "infrastructure")
        subjects = named
        for is_context in context_rules:
            if len(subjects) > 1:
                subjects = [k for k in subjects if not is_context(k, subjects)] or subjects
        return list(subjects)

    def _sent_to(self, reading: Reading, hit: ServiceHit) -> bool:
        """Whether the service is named as where something goes: "to", "into" before it, past fillers,
        after a verb that sends ("delivers the logs to an S3 bucket", not "permissions to S3 buckets")."""
        tokens = reading.tokens
        at = hit.start - 1
        while at >= 0 and tokens[at] in self.destination_fillers:
            at -= 1
        if at < 0 or tokens[at] not in self.destination_words:
            return False
        return not self.destination_verbs.isdisjoint(tokens[max(0, at - DESTINATION_REACH) : at])

    def _item_for(self, service: Service, ranked: list[tuple[str, float]]) -> tuple[Responsibility, str, float] | None:
        """Best item of a service for the ranked topics: the topic itself, a narrower one, a broader one."""
        for rank, (topic, _score) in enumerate(ranked):
            ranked_items = [
                (self._closeness(item.topic, topic), i, item) for i, item in enumerate(service.responsibilities)
            ]
            candidates = [(c, i, item) for c, i, item in ranked_items if c is not None]
            if candidates:
                closeness, _i, item = min(candidates, key=lambda c: (c[0], c[1]))
                fit = 1.0 if rank == 0 and closeness <= NARROWER else FALLBACK_TOPIC_PENALTY
                return item, topic, fit
        return None

    def _item_by_text(self, service: Service, reading: Reading) -> tuple[Responsibility, float] | None:
        """The item whose own wording the question echoes ('imdsv2', 'tag immutability'), when one
        stands out clearly; a fallback for duties the topic vocabulary does not name."""
        weights = self.index.item_stem_weight[service.key]
        # best score first; on a tie the item listed first
        scored = sorted(
            (
                (math.fsum(weights[w] for w in reading.words & stems), i)
                for i, stems in enumerate(self.index.item_stems[service.key])
            ),
            key=lambda scored_item: (-scored_item[0], scored_item[1]),
        )
        if not scored:
            return None
        best, index = scored[0]
        runner_up = scored[1][0] if len(scored) > 1 else 0.0
        if best >= TEXT_MATCH_MIN and best - runner_up >= TEXT_MATCH_MARGIN:
            return service.responsibilities[index], best
        return None

    def _closeness(self, item_topic: str, asked: str) -> int | None:
        """How well an item's topic answers the asked topic: same, narrower, broader, sibling, or not."""
        topics = self.knowledge.topics
        broader = topics[asked].broader
        if item_topic == asked:
            return SAME
        if topics[item_topic].broader == asked:
            return NARROWER
        if broader is not None and item_topic == broader:
            return BROADER
        if broader is not None and topics[item_topic].broader == broader:
            return SIBLING
        return None

    def _topic_strength(self, reading: Reading) -> float:
        return 1.0 if reading.has_cue or reading.topic_words >= 2 else WEAK_TOPIC_PENALTY

    def _service_and_topic(
        self, text: str, service: Service, rivals: list[Service], reading: Reading, confidence: float
    ) -> Answer:
        found = self._item_for(service, reading.topics)
        by_text = self._item_by_text(service, reading)
        if found is None and by_text is None:
            return self._missing_item(text, service, reading, confidence)
        if found is None or (by_text and reading.topic_words < 2 and by_text[0] is not found[0] and by_text[1] >= 2):
            assert by_text is not None
            found = (by_text[0], by_text[0].topic, TEXT_MATCH_CONFIDENCE)
        item, _asked, fit = found
        confidence *= fit * self._topic_strength(reading)
        suggestions = self._item_suggestions(service, item, reading, rivals)
        if rivals:
            return Answer(
                text,
                "ambiguous",
                "item",
                service=service.key,
                topic=item.topic,
                item=item,
                confidence=round(confidence * 0.6, 2),
                suggestions=suggestions,
            )
        return item_answer(text, service, item, confidence, suggestions)

    def _missing_item(self, text: str, service: Service, reading: Reading, confidence: float) -> Answer:
        """The service has no item on this duty: answer only what holds for every service."""
        topic = reading.topics[0][0]
        concept = self._concept_for(topic)
        if concept and concept.category == "Inherited":
            return concept_answer(text, concept, confidence * 0.9, service=service)
        suggestions = [Suggestion(service.key, None, f"{service.name} summary")]
        if concept:
            suggestions.append(Suggestion(None, concept.topic, concept.title))
        return Answer(
            text,
            "ambiguous",
            "summary",
            service=service.key,
            topic=topic,
            confidence=round(confidence * 0.5, 2),
            suggestions=tuple(suggestions),
        )

    def _service_only(self, text: str, service: Service, reading: Reading, confidence: float) -> Answer:
        """A service and no duty: its summary - unless the rest of the question is about something
        else entirely ('how do i ssh into ec2'), which is not ours to answer."""
        by_text = self._item_by_text(service, reading) if reading.has_cue else None
        if by_text:
            return item_answer(text, service, by_text[0], confidence * TEXT_MATCH_CONFIDENCE)
        if reading.unexplained_words and not reading.has_cue:
            return Answer(text, "out_of_scope", "decline", service=service.key, message=DECLINE_OFF_TOPIC)
        if confidence < 1.0 and not reading.has_cue:
            return Answer(
                text,
                "ambiguous",
                "summary",
                service=service.key,
                confidence=0.5,
                suggestions=(Suggestion(service.key, None, f"{service.name} summary"),),
            )
        return summary_answer(text, service, 0.9 * confidence)

    def _topic_only(self, text: str, reading: Reading) -> Answer:
        topic, _score = reading.topics[0]
        if not reading.has_cue and reading.topic_words < 2 and reading.content_words > 3:
            return Answer(text, "out_of_scope", "decline", message=DECLINE_UNKNOWN)
        concept = self._concept_for(topic)
        services = [s for s in self.knowledge.services.values() if self._item_for(s, reading.topics[:1])][:3]
        suggestions = tuple(
            Suggestion(s.key, topic, f"{s.name}: {self.knowledge.topics[topic].label}") for s in services
        )
        if concept is None:
            return Answer(text, "ambiguous", "concept", topic=topic, confidence=0.5, suggestions=suggestions)
        return concept_answer(text, concept, 0.9 * self._topic_strength(reading), suggestions)

    def _concept_for(self, topic: str | None) -> Concept | None:
        while topic:
            if topic in self.knowledge.concepts:
                return self.knowledge.concepts[topic]
            topic = self.knowledge.topics[topic].broader
        return None

    def _item_suggestions(
        self, service: Service, chosen: Responsibility, reading: Reading, others: list[Service]
    ) -> tuple[Suggestion, ...]:
        suggestions: list[Suggestion] = []
        for other in others:
            found = self._item_for(other, reading.topics)
            if found:
                suggestions.append(
                    Suggestion(other.key, found[0].topic, f"{other.name}: {self._label(found[0].topic)}")
                )
        for topic, _score in reading.topics[1:]:
            for item in service.responsibilities:
                if item.topic == topic and item is not chosen:
                    suggestions.append(Suggestion(service.key, topic, f"{service.name}: {self._label(topic)}"))
        return tuple(dict.fromkeys(suggestions))[:3]

    def _label(self, topic: str) -> str:
        return self.knowledge.topics[topic].label

    # --- direct lookups (slash commands, buttons) ------------------------------------------------
    def answer_for(self, service_key: str | None, topic: str | None) -> Answer:
        """The answer a did-you-mean button stands for: an item, a service summary or a model-wide entry."""
        return self._with_internal_owner(self._answer_for(service_key, topic))

    def _answer_for(self, service_key: str | None, topic: str | None) -> Answer:
        service = self.knowledge.services.get(service_key or "")
        label = " ".join(part for part in (service.name if service else None, topic) if part)
        found = self._item_for(service, [(topic, 1.0)]) if service and topic in self.knowledge.topics else None
        if service and found:
            return item_answer(label, service, found[0], 1.0)
        if service:
            return summary_answer(label, service, 1.0)
        concept = self._concept_for(topic) if topic in self.knowledge.topics else None
        if concept:
            return concept_answer(label, concept, 1.0)
        return Answer(label, "out_of_scope", "decline", message=DECLINE_UNKNOWN)

    def service_by_name(self, name: str) -> Service | None:
        key = compact(name)
        services = self.knowledge.services
        return services.get(name.strip().lower()) or services.get(self.index.aliases.get(key, ""))

    def unknown_service(self, question: str) -> str | None:
        """The product in 'Amazon X' / 'AWS X' when X is no service or word the bot knows, for the gap report."""
        tokens = words(question)
        for i, (brand, name) in enumerate(pairwise(tokens)):
            if brand not in PRODUCT_BRANDS or len(name) < 2 or self._names_a_service(tokens[i : i + 3]):
                continue
            if stem(name) not in self.index.known_stems and stem(name) not in self.index.stopwords:
                return name
        return None

    def _names_a_service(self, words_: list[str]) -> bool:
        """'aws organization', 'direct connect', 'postgres', or a typo of a service name ('bakcup')."""
        index = self.index
        spans = ["".join(words_[start:end]) for start in (0, 1) for end in range(start + 1, len(words_) + 1)]
        typo = any(len(span) >= MIN_FUZZY_LENGTH and index.alias_words.nearest(span) for span in (words_[1], spans[1]))
        return typo or any(span in index.aliases or span in index.weak_aliases for span in spans)


def _adjacent(phrase: frozenset[str], sequence: list[str]) -> bool:
    """The phrase's words stand together in the question ('security groups', not 'security ... groups')."""
    size = len(phrase)
    return size == 1 or any(set(sequence[i : i + size]) == phrase for i in range(len(sequence) - size + 1))
