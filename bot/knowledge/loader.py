"""Read knowledge/ into validated models, reporting problems as file:line: field: message (the first
schema problem of each file, every cross-reference problem)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import msgspec
import yaml

from bot.knowledge.labels import Labels
from bot.knowledge.schema import (
    CatalogFile,
    CatalogService,
    Check,
    Concept,
    ConceptFile,
    Layer,
    LayerFile,
    Overlay,
    Retirement,
    Service,
    ServiceModelLabels,
    SideWords,
    Tool,
    Topic,
    Vocabulary,
)
from bot.knowledge.text import compact, words
from bot.knowledge.validation import SchemaError, convert

Loc = tuple[str | int, ...]
# libyaml's parser when PyYAML was built with it: same results, several times faster.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class KnowledgeError(Exception):
    """The knowledge directory cannot be loaded; `problems` says where and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Knowledge:
    directory: Path
    services: dict[str, Service]
    concepts: dict[str, Concept]
    topics: dict[str, Topic]
    tools: dict[str, Tool]
    checks: dict[str, Check]
    vocabulary: Vocabulary
    layers: dict[str, Layer]
    side_words: SideWords
    service_models: ServiceModelLabels
    home_tour: tuple[Concept, ...]  # the concepts the Home tab explains, in order
    overlay: Overlay | None = None
    # AWS services known by name only: catalog.yaml less those curated in services/
    catalog: dict[str, CatalogService] = field(default_factory=dict)


@dataclass
class _Document:
    """One parsed YAML file: its data and its node tree, kept to map error paths to lines."""

    path: Path
    label: str
    data: Any
    node: yaml.Node | None

    def line_of(self, loc: Loc) -> int:
        node, line = self.node, 1
        for part in loc:
            if node is None:
                break
            line = node.start_mark.line + 1
            node = _child(node, part)
        return node.start_mark.line + 1 if node is not None else line


def _child(node: yaml.Node, part: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == str(part):
                return value_node
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        return node.value[part]
    return None


@dataclass
class _Reader:
    root: Path
    problems: list[Problem] = field(default_factory=list)

    def report(self, doc: _Document, loc: Loc, message: str) -> None:
        name = ".".join(str(p) for p in loc) or "(file)"
        self.problems.append(Problem(doc.label, doc.line_of(loc), name, message))

    def parse(self, path: Path) -> _Document | None:
        label = str(path.relative_to(self.root.parent)) if path.is_relative_to(self.root.parent) else str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.problems.append(Problem(label, 1, "(file)", f"cannot read: {exc}"))
            return None
        try:
            loader = _YAML_LOADER(text)
            try:
                node = loader.get_single_node()
                data = loader.construct_document(node) if node is not None else None
            finally:
                loader.dispose()
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark else 1
            reason = getattr(exc, "problem", None) or str(exc)
            self.problems.append(Problem(label, line, "(yaml)", f"invalid YAML: {reason}"))
            return None
        return _Document(path, label, data, node)

    def validate(self, doc: _Document, kind: Any) -> Any:
        try:
            return convert(doc.data, kind)
        except SchemaError as exc:
            self.report(doc, exc.loc, exc.message)
            return None


OVERLAY_FILE = "overlay.yaml"
CATALOG_FILE = "catalog.yaml"
BRANDS = ("aws", "amazon")


def load_knowledge(directory: Path | str, overlay_path: Path | None = None) -> Knowledge:
    """Load and cross-check every file; raise KnowledgeError listing all problems found.

    The organisation overlay is `overlay_path` when given, else DIR/overlay.yaml when it exists.
    """
    root = Path(directory)
    reader = _Reader(root)
    if not root.is_dir():
        raise KnowledgeError([Problem(str(root), 1, "(directory)", "knowledge directory not found")])

    topic_doc, topics = _load_doc(reader, root / "topics.yaml", dict[str, Topic])
    topics = topics or {}
    tools = _load_one(reader, root / "tools.yaml", dict[str, Tool]) or {}
    vocabulary = _load_one(reader, root / "vocabulary.yaml", Vocabulary)
    concept_doc, concept_file = _load_doc(reader, root / "model.yaml", ConceptFile)
    layer_doc, layer_file = _load_doc(reader, root / "layers.yaml", LayerFile)
    checks = _load_checks(reader, root / "checks")
    refs = _References(reader, topics, tools, checks, Labels.from_vocabulary(vocabulary))
    services, service_docs, service_problems = _load_services(reader, root / "services", refs)

    for key, topic in topics.items():
        if topic_doc and topic.broader and topic.broader not in topics:
            reader.report(topic_doc, (key, "broader"), f"unknown topic {topic.broader!r}")
    concepts: dict[str, Concept] = {}
    if concept_doc and concept_file:
        for i, concept in enumerate(concept_file.concepts):
            refs.check_topic(concept_doc, ("concepts", i, "topic"), concept.topic)
            refs.check_tools(concept_doc, ("concepts", i, "tools"), concept.tools)
            if concept.topic in concepts:
                reader.report(concept_doc, ("concepts", i, "topic"), f"duplicate concept topic {concept.topic!r}")
            concepts[concept.topic] = concept
        for i, topic in enumerate(concept_file.home_tour):
            if topic not in concepts:
                reader.report(concept_doc, ("home_tour", i), f"unknown concept {topic!r} (see concepts)")
    if layer_doc and layer_file:
        for key, layer in layer_file.layers.items():
            refs.check_topic(layer_doc, ("layers", key, "topic"), layer.topic)
            refs.check_tools(layer_doc, ("layers", key, "tools"), layer.tools)
    reader.problems.extend(service_problems)
    _check_aliases(reader, services, service_docs)
    _check_acts_on(reader, services, service_docs)
    overlay = _load_overlay(reader, overlay_path or root / OVERLAY_FILE, services, topics, required=bool(overlay_path))
    catalog = _load_catalog(reader, root / CATALOG_FILE, services)

    if reader.problems:
        raise KnowledgeError(reader.problems)
    assert vocabulary is not None and layer_file is not None and concept_file is not None
    return Knowledge(
        directory=root,
        services=services,
        concepts=concepts,
        topics=topics,
        tools=tools,
        checks=checks,
        vocabulary=vocabulary,
        layers=layer_file.layers,
        side_words=layer_file.side_words,
        service_models=concept_file.service_models,
        home_tour=tuple(concepts[topic] for topic in concept_file.home_tour),
        overlay=overlay,
        catalog=catalog,
    )


def unbranded(name: str) -> str:
    """A name without its leading "AWS" / "Amazon", compacted: the form two names are compared in."""
    parts = words(name)
    while parts and parts[0] in BRANDS:
        parts = parts[1:]
    return "".join(parts)


def _load_catalog(reader: _Reader, path: Path, services: dict[str, Service]) -> dict[str, CatalogService]:
    """The catalog less what services/ curates: an entry named like a curated service (by key, name or
    alias), or `part_of` one, is left to the curated file."""
    if not path.exists():
        return {}
    loaded = _load_one(reader, path, CatalogFile)
    if loaded is None:
        return {}
    curated = {unbranded(n) for s in services.values() for n in (s.key, s.name, *s.aliases, *s.weak_aliases)}
    catalog = {}
    for key, entry in loaded.services.items():
        names = (key, entry.name, *entry.names, *entry.abbreviations)
        if entry.part_of in services or any(unbranded(n) in curated for n in names):
            continue
        docs = entry.security_docs or loaded.security_index
        catalog[key] = msgspec.structs.replace(entry, security_docs=docs)
    return catalog


def _load_overlay(
    reader: _Reader, path: Path, services: dict[str, Service], topics: dict[str, Topic], required: bool
) -> Overlay | None:
    if not path.exists() and not required:
        return None
    doc, overlay = _load_doc(reader, path, Overlay)
    if overlay is None or doc is None:
        return None
    for i, rule in enumerate(overlay.owners):
        if rule.team not in overlay.teams:
            reader.report(doc, ("owners", i, "team"), f"unknown team {rule.team!r} (see teams)")
        if rule.service and rule.service not in services:
            reader.report(doc, ("owners", i, "service"), f"unknown service {rule.service!r}")
        if rule.topic and rule.topic not in topics:
            reader.report(doc, ("owners", i, "topic"), f"unknown topic {rule.topic!r}")
    return overlay


def _load_doc(reader: _Reader, path: Path, kind: Any) -> tuple[_Document | None, Any]:
    if not path.exists():
        reader.problems.append(Problem(path.name, 1, "(file)", "required file is missing"))
        return None, None
    doc = reader.parse(path)
    return (doc, reader.validate(doc, kind)) if doc else (None, None)


def _load_one(reader: _Reader, path: Path, kind: Any) -> Any:
    return _load_doc(reader, path, kind)[1]


def _load_checks(reader: _Reader, directory: Path) -> dict[str, Check]:
    checks: dict[str, Check] = {}
    docs: dict[str, _Document] = {}
    for path in sorted(directory.glob("*.yaml")):
        doc, loaded = _load_doc(reader, path, dict[str, Check])
        if doc is None:
            continue
        for check_id, check in (loaded or {}).items():
            if check_id in checks:
                reader.report(doc, (check_id,), f"check {check_id!r} is already defined in {docs[check_id].label}")
                continue
            checks[check_id] = check
            docs[check_id] = doc
            if not _cites_its_own_page(check_id, check):
                reader.report(doc, (check_id, "url"), f"{check.url!r} is not the AWS page for {check_id!r}")
    return checks


def _cites_its_own_page(check_id: str, check: Check) -> bool:
    """A Config rule's page is named after the rule; a Security Hub control is an anchor on its
    service's controls page ("S3.1" -> #s3-1), so a copied entry cannot cite another check's page."""
    if check.kind == "config_rule":
        return urlparse(check.url).path.endswith(f"/{check_id}.html")
    return urlparse(check.url).fragment == check_id.lower().replace(".", "-")


def _load_services(
    reader: _Reader, directory: Path, refs: _References
) -> tuple[dict[str, Service], dict[str, _Document], list[Problem]]:
    """Each service file checked against the catalogue files as it is read, so its YAML node tree (kept
    for file:line reports) is dropped at once: only the names part stays, for the alias check. That
    check's problems are returned, to be listed after the model-wide files' as before."""
    services: dict[str, Service] = {}
    docs: dict[str, _Document] = {}
    deferred: list[Problem] = []
    if directory.is_dir() and not os.access(directory, os.R_OK | os.X_OK):  # glob would just find nothing
        reader.problems.append(Problem(str(directory.name), 1, "(directory)", "permission denied"))
        return services, docs, deferred
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        reader.problems.append(Problem(str(directory.name), 1, "(directory)", "no service files found"))
    for path in paths:
        doc, service = _load_doc(reader, path, Service)
        if service is None or doc is None:
            continue
        if service.key != path.stem:
            reader.report(doc, ("key",), f"key {service.key!r} must match the file name {path.stem!r}")
            continue
        services[service.key] = service
        before = len(reader.problems)
        refs.check_service(doc, service)
        deferred += reader.problems[before:]
        del reader.problems[before:]
        docs[service.key] = _names_only(doc)
    return services, docs, deferred


_NAME_FIELDS = frozenset({"key", "name", "aliases", "weak_aliases", "acts_on"})


def _names_only(doc: _Document) -> _Document:
    """The document with just the fields that name the service: all the alias check reports on."""
    node = doc.node
    if isinstance(node, yaml.MappingNode):
        kept = [(k, v) for k, v in node.value if k.value in _NAME_FIELDS]
        node = yaml.MappingNode(node.tag, kept, node.start_mark, node.end_mark)
    return _Document(doc.path, doc.label, None, node)


@dataclass
class _References:
    """Checks that keys used in one file are defined in the catalogue files."""

    reader: _Reader
    topics: dict[str, Topic]
    tools: dict[str, Tool]
    checks: dict[str, Check]
    labels: Labels

    def check_topic(self, doc: _Document, loc: Loc, topic: str) -> None:
        if topic not in self.topics:
            self.reader.report(doc, loc, f"unknown topic {topic!r} (see topics.yaml)")

    def check_tools(self, doc: _Document, loc: Loc, tools: Iterable[str]) -> None:
        for i, tool in enumerate(tools):
            if tool not in self.tools:
                self.reader.report(doc, (*loc, i), f"unknown tool key {tool!r} (see tools.yaml)")
            elif self.tools[tool].retired:
                self.reader.report(doc, (*loc, i), _retired("tool", tool, self.tools[tool].retired))

    def check_verify(self, doc: _Document, loc: Loc, check_ids: Iterable[str]) -> None:
        for i, check_id in enumerate(check_ids):
            if check_id not in self.checks:
                self.reader.report(doc, (*loc, i), f"unknown check {check_id!r} (see checks/)")
            elif self.checks[check_id].retired:
                self.reader.report(doc, (*loc, i), _retired("check", check_id, self.checks[check_id].retired))

    def check_service(self, doc: _Document, service: Service) -> None:
        for i, item in enumerate(service.responsibilities):
            for field_name, message in self.labels.disagreements(item):
                self.reader.report(doc, ("responsibilities", i, field_name), message)
            self.check_topic(doc, ("responsibilities", i, "topic"), item.topic)
            self.check_tools(doc, ("responsibilities", i, "tools"), item.tools)
            self.check_verify(doc, ("responsibilities", i, "verify"), item.verify)
        for i, misconfig in enumerate(service.misconfigurations):
            self.check_tools(doc, ("misconfigurations", i, "tools"), misconfig.tools)
            self.check_verify(doc, ("misconfigurations", i, "verify"), misconfig.verify)


def _retired(kind: str, key: str, retired: Retirement | None) -> str:
    assert retired is not None
    return f"{kind} {key!r} was retired on {retired.date.isoformat()} ({retired.source}); recommend a current one"


def _check_acts_on(reader: _Reader, services: dict[str, Service], docs: dict[str, _Document]) -> None:
    """`acts_on` names other curated services. Checked only when every file loaded: a broken file would
    otherwise be reported again by each service that acts on it."""
    if reader.problems:
        return
    for key, service in services.items():
        for i, other in enumerate(service.acts_on):
            if other not in services or other == key:
                reader.report(docs[key], ("acts_on", i), f"{other!r} is not another curated service")


def _check_aliases(reader: _Reader, services: dict[str, Service], docs: dict[str, _Document]) -> None:
    """Every name a service answers to (and its key) must lead to that service alone."""
    owner_of: dict[str, str] = {}
    for key, service in services.items():
        names: list[tuple[Loc, str]] = [(("key",), key), (("name",), service.name)]
        names += [(("aliases", i), alias) for i, alias in enumerate(service.aliases)]
        names += [(("weak_aliases", i), alias) for i, alias in enumerate(service.weak_aliases)]
        for loc, name in names:
            form = compact(name)
            if not form:
                reader.report(docs[key], loc, f"alias {name!r} has no letters or digits")
            elif owner_of.get(form, key) != key:
                reader.report(docs[key], loc, f"alias {name!r} is also used by service {owner_of[form]!r}")
            owner_of.setdefault(form, key)
