"""The knowledge base schema: immutable models that every YAML file in knowledge/ must fit."""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from msgspec import Meta, Struct, field

Owner = Literal["AWS", "Customer", "Shared"]
ControlCategory = Literal["Inherited", "Shared", "Customer-specific"]
ServiceModel = Literal["infrastructure", "container", "abstract"]
CheckKind = Literal["config_rule", "security_hub"]
Status = Literal["current", "retired"]

Url = Annotated[str, Meta(pattern=r"^https://[^\s]+$")]
# every string is stripped before it is converted (bot.knowledge.validation), so "min_length=1" means "not blank"
Text = Annotated[str, Meta(min_length=1)]
Key = Annotated[str, Meta(pattern=r"^[a-z][a-z0-9_]*$")]


class Model(Struct, frozen=True, forbid_unknown_fields=True):
    """Immutable, and a key the schema does not know is an error (a typo would otherwise be ignored).
    Each model repeats `frozen=True, kw_only=True`: msgspec does not inherit kw_only (which lets a required
    field follow an optional one), and type checkers do not inherit frozen."""


class Link(Model, frozen=True, kw_only=True):
    title: Text
    url: Url


class Change(Model, frozen=True, kw_only=True):
    """A dated change in who does what, e.g. S3 default encryption since 2023-01-05."""

    date: datetime.date
    text: Text
    source: Url


class Responsibility(Model, frozen=True, kw_only=True):
    """One duty on one service: who owns it, in which control family, and where AWS says so."""

    topic: Key
    owner: Owner
    category: ControlCategory
    aws: Text
    customer: Text
    tools: tuple[Key, ...] = ()
    verify: tuple[Text, ...] = ()
    sources: Annotated[tuple[Url, ...], Meta(min_length=1)]
    changed: Change | None = None


class Misconfiguration(Model, frozen=True, kw_only=True):
    problem: Text
    fix: Text
    tools: tuple[Key, ...] = ()
    verify: tuple[Text, ...] = ()
    source: Url


class Service(Model, frozen=True, kw_only=True):
    key: Key
    name: Text
    reviewed: datetime.date  # when the file was last checked against AWS's pages (srm validate --stale)
    aliases: tuple[Text, ...] = ()
    # Product or common-word names ("postgres", "redis", "glue") that mean this service only when the
    # question names no other service: "who patches mysql on ec2" is about EC2.
    weak_aliases: tuple[Text, ...] = ()
    model: ServiceModel
    # Services whose resources this one inspects, records or protects (Macie: S3). Named beside one of
    # them, this service is what the question is about: "Macie findings for S3 buckets" is Macie's.
    acts_on: tuple[Key, ...] = ()
    # A place other services send data (S3 buckets, CloudWatch Logs): named after "to" / "into" beside
    # another service, it is where something goes, not the subject ("Redshift snapshots into S3").
    destination: bool = False
    summary: Text
    responsibilities: Annotated[tuple[Responsibility, ...], Meta(min_length=1)]
    misconfigurations: tuple[Misconfiguration, ...] = ()
    docs: Annotated[tuple[Link, ...], Meta(min_length=1)]


class CatalogService(Model, frozen=True, kw_only=True):
    """An AWS service known by name only (knowledge/catalog.yaml, generated from botocore): enough to
    say it is not curated yet, give the general rule of its model and link its security pages."""

    name: Text
    names: tuple[Text, ...] = ()  # one-word names count only after "AWS" / "Amazon"
    abbreviations: tuple[Text, ...] = ()  # short names that stand alone ("mq")
    model: ServiceModel | None = None  # None: unknown, so no general rule by model
    security_docs: Url | None = None  # None: the catalog's security_index
    ordinary_word: bool = False  # its one-word name is everyday speech ("AWS account"): longer names only
    on_premises: bool = False  # hardware you hold (Outposts, Snow): AWS's data-centre rules do not apply
    part_of: Key | None = None  # a curated service whose card answers for it
    apis: tuple[Text, ...] = ()  # the botocore service names it was made from


class CatalogFile(Model, frozen=True, kw_only=True):
    source: Text
    security_index: Url
    services: dict[Key, CatalogService]


class Concept(Model, frozen=True, kw_only=True):
    """A model-wide entry that answers a question naming no service."""

    topic: Key
    title: Text
    explanation: Text
    owner: Owner | None = None
    category: ControlCategory | None = None
    aws: Text | None = None
    customer: Text | None = None
    examples: tuple[Text, ...] = ()
    tools: tuple[Key, ...] = ()
    sources: Annotated[tuple[Url, ...], Meta(min_length=1)]


class LayerOwner(Model, frozen=True, kw_only=True):
    """Who owns a layer: one party under every service model (`all`), or one per model."""

    all: Owner | None = None
    infrastructure: Owner | None = None
    container: Owner | None = None
    abstract: Owner | None = None

    def under(self, model: ServiceModel | None) -> Owner | None:
        if self.all or model is None:
            return self.all
        return getattr(self, model)


class Layer(Model, frozen=True, kw_only=True):
    """A part of the stack a question can name (hypervisor, guest OS, your data), and who owns it."""

    title: Text
    topic: Key
    owner: LayerOwner
    category: ControlCategory
    phrases: Annotated[tuple[Text, ...], Meta(min_length=1)]
    # False for layers that name a duty rather than a side ("your data"): they give the general rule
    # where a service has no item, but do not turn an item's answer to one side.
    picks_side: bool = True
    aws: Text
    customer: Text
    tools: tuple[Key, ...] = ()
    sources: Annotated[tuple[Url, ...], Meta(min_length=1)]


class SideWords(Model, frozen=True, kw_only=True):
    """Words that point at one side of a shared duty: configuring verbs are the customer's."""

    aws: tuple[Text, ...] = ()
    customer: tuple[Text, ...] = ()
    aws_strong: tuple[Text, ...] = ()
    customer_strong: tuple[Text, ...] = ()
    # a clause of an item's AWS text that opens with one of these says what AWS makes available for
    # you to use ("Offers private APIs"), so it points at neither side
    capability: tuple[Text, ...] = ()
    # "once SSE is on, who encrypts the records?": a clause that opens with one of `given` and holds one
    # of `given_states` takes the customer's act as done, so the question asks who does the work after it
    given: tuple[Text, ...] = ()
    given_states: tuple[Text, ...] = ()
    # the verb asked about ("who <verb>") votes double; these words between "who" and it are skipped
    helpers: tuple[Text, ...] = ()
    # a side word right after one of these does not vote ("if we never pick a key")
    negations: tuple[Text, ...] = ()
    # nouns that stem like a side word ("configuration" like "configure"): they name a thing, not an act
    noun_forms: tuple[Text, ...] = ()


class LayerFile(Model, frozen=True, kw_only=True):
    layers: Annotated[dict[Key, Layer], Meta(min_length=1)]
    side_words: SideWords = field(default_factory=SideWords)


class ServiceModelLabel(Model, frozen=True, kw_only=True):
    """How a service model is shown: `title` heads a list of its services, `label` follows a service's name."""

    title: Text
    label: Text


class ServiceModelLabels(Model, frozen=True, kw_only=True):
    infrastructure: ServiceModelLabel
    container: ServiceModelLabel
    abstract: ServiceModelLabel

    def of(self, model: ServiceModel) -> ServiceModelLabel:
        label: ServiceModelLabel = getattr(self, model)
        return label


class ConceptFile(Model, frozen=True, kw_only=True):
    concepts: Annotated[tuple[Concept, ...], Meta(min_length=1)]
    service_models: ServiceModelLabels
    home_tour: tuple[Key, ...] = ()  # concept topics the Home tab explains, in order


class Topic(Model, frozen=True, kw_only=True):
    label: Text
    broader: Key | None = None
    quiz: Text | None = None
    phrases: Annotated[tuple[Text, ...], Meta(min_length=1)]


class Retirement(Model, frozen=True, kw_only=True):
    """When AWS retired or discontinued a tool or check, and the AWS page that says so."""

    date: datetime.date
    source: Url


class Tool(Model, frozen=True, kw_only=True):
    name: Text
    url: Url
    purpose: Text
    status: Status = "current"
    retired: Retirement | None = None  # required when status is retired

    def __post_init__(self) -> None:
        _check_status(self)


class Check(Model, frozen=True, kw_only=True):
    """A way for a team to verify a customer duty in its own account."""

    kind: CheckKind
    title: Text
    url: Url
    status: Status = "current"
    retired: Retirement | None = None  # required when status is retired

    def __post_init__(self) -> None:
        _check_status(self)


def _check_status(entry: Tool | Check) -> None:
    if (entry.status == "retired") != (entry.retired is not None):
        raise ValueError("status 'retired' and a 'retired: {date, source}' go together")


class Declines(Model, frozen=True, kw_only=True):
    other_clouds: tuple[Text, ...]
    off_topic: tuple[Text, ...]
    # your own data centre: not ours unless an AWS service that runs there is named (Outposts, Storage Gateway)
    on_premises: tuple[Text, ...] = ()


class Vocabulary(Model, frozen=True, kw_only=True):
    greetings: tuple[Text, ...]
    responsibility_cues: tuple[Text, ...]
    stopwords: tuple[Text, ...]
    declines: Declines
    starter_questions: tuple[Text, ...] = ()
    # a question naming two services with one of these asks for them side by side
    comparison_cues: tuple[Text, ...] = ()
    # of those, the ones that compare every service named, even one that is otherwise only context
    explicit_comparison_cues: tuple[Text, ...] = ()
    # the words that open the clause all compared sides share ("... vs ...: who patches the engine?")
    asking_words: tuple[Text, ...] = ()
    # words that send something to a service ("logs to S3"), and the words that may stand between
    destination_words: tuple[Text, ...] = ()
    destination_fillers: tuple[Text, ...] = ()
    destination_verbs: tuple[Text, ...] = ()
    # a question offering these as an answer ("AWS alone, us alone, or both?") asks whether a duty is split
    split_cues: tuple[Text, ...] = ()
    # how an item's text says a side has nothing to do, and words that make a text an obligation
    nothing_to_do: tuple[Text, ...] = ()
    obligations: tuple[Text, ...] = ()


class Team(Model, frozen=True, kw_only=True):
    """An internal team that owns customer-side duties in one organisation."""

    name: Text
    channel: Annotated[str, Meta(pattern=r"^#[a-z0-9][a-z0-9._-]*$")] | None = None
    group: Annotated[str, Meta(pattern=r"^@[A-Za-z0-9._-]+$")] | None = None
    runbook: Url | None = None


class OwnerRule(Model, frozen=True, kw_only=True):
    """Maps customer-side duties to a team: by service, by topic, both, or neither (the default)."""

    team: Key
    service: Key | None = None
    topic: Key | None = None


class Overlay(Model, frozen=True, kw_only=True):
    teams: Annotated[dict[Key, Team], Meta(min_length=1)]
    owners: Annotated[tuple[OwnerRule, ...], Meta(min_length=1)]
