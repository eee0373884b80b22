"""The knowledge base schema: immutable models that every YAML file in knowledge/ must fit."""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Owner = Literal["AWS", "Customer", "Shared"]
ControlCategory = Literal["Inherited", "Shared", "Customer-specific"]
ServiceModel = Literal["infrastructure", "container", "abstract"]
CheckKind = Literal["config_rule", "security_hub"]

Url = Annotated[str, StringConstraints(pattern=r"^https://[^\s]+$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Link(Model):
    title: Text
    url: Url


class Change(Model):
    """A dated change in who does what, e.g. S3 default encryption since 2023-01-05."""

    date: datetime.date
    text: Text
    source: Url


class Responsibility(Model):
    """One duty on one service: who owns it, in which control family, and where AWS says so."""

    topic: Key
    owner: Owner
    category: ControlCategory
    aws: Text
    customer: Text
    tools: tuple[Key, ...] = ()
    verify: tuple[Text, ...] = ()
    sources: tuple[Url, ...] = Field(min_length=1)
    changed: Change | None = None


class Misconfiguration(Model):
    problem: Text
    fix: Text
    tools: tuple[Key, ...] = ()
    verify: tuple[Text, ...] = ()
    source: Url


class Service(Model):
    key: Key
    name: Text
    aliases: tuple[Text, ...] = ()
    # Product or common-word names ("postgres", "redis", "glue") that mean this service only when the
    # question names no other service: "who patches mysql on ec2" is about EC2.
    weak_aliases: tuple[Text, ...] = ()
    model: ServiceModel
    summary: Text
    responsibilities: tuple[Responsibility, ...] = Field(min_length=1)
    misconfigurations: tuple[Misconfiguration, ...] = ()
    docs: tuple[Link, ...] = Field(min_length=1)


class Concept(Model):
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
    sources: tuple[Url, ...] = Field(min_length=1)


class ConceptFile(Model):
    concepts: tuple[Concept, ...] = Field(min_length=1)


class Topic(Model):
    label: Text
    broader: Key | None = None
    quiz: Text | None = None
    phrases: tuple[Text, ...] = Field(min_length=1)


class Tool(Model):
    name: Text
    url: Url
    purpose: Text


class Check(Model):
    """A way for a team to verify a customer duty in its own account."""

    kind: CheckKind
    title: Text
    url: Url


class Declines(Model):
    other_clouds: tuple[Text, ...]
    off_topic: tuple[Text, ...]


class Vocabulary(Model):
    greetings: tuple[Text, ...]
    responsibility_cues: tuple[Text, ...]
    stopwords: tuple[Text, ...]
    declines: Declines
    starter_questions: tuple[Text, ...] = ()


class Team(Model):
    """An internal team that owns customer-side duties in one organisation."""

    name: Text
    channel: Annotated[str, StringConstraints(pattern=r"^#[a-z0-9][a-z0-9._-]*$")] | None = None
    group: Annotated[str, StringConstraints(pattern=r"^@[A-Za-z0-9._-]+$")] | None = None
    runbook: Url | None = None


class OwnerRule(Model):
    """Maps customer-side duties to a team: by service, by topic, both, or neither (the default)."""

    team: Key
    service: Key | None = None
    topic: Key | None = None


class Overlay(Model):
    teams: dict[Key, Team] = Field(min_length=1)
    owners: tuple[OwnerRule, ...] = Field(min_length=1)
