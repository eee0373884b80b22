"""Presentation-neutral views of answers and services, shared by the terminal and Slack renderers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.knowledge.loader import Knowledge
from bot.knowledge.schema import Check, Misconfiguration, Service, Tool
from bot.matching.answer import Answer

MODEL_LABELS = {
    "infrastructure": "Infrastructure service - you manage the guest OS and up",
    "container": "Container service - AWS runs the OS and platform, you configure and control access",
    "abstract": "Abstract service - AWS runs everything up to the endpoint, you own data and permissions",
}


@dataclass(frozen=True)
class Duty:
    label: str
    text: str


@dataclass(frozen=True)
class ServiceSummary:
    service: Service
    model_label: str
    aws_does: tuple[Duty, ...]
    you_do: tuple[Duty, ...]
    shared: tuple[Duty, ...]
    tools: tuple[Tool, ...]
    misconfigurations: tuple[Misconfiguration, ...]


def summarize_service(knowledge: Knowledge, service: Service) -> ServiceSummary:
    label = lambda topic: knowledge.topics[topic].label  # noqa: E731
    items = service.responsibilities
    tool_keys = dict.fromkeys(key for item in items for key in item.tools)
    return ServiceSummary(
        service=service,
        model_label=MODEL_LABELS[service.model],
        aws_does=tuple(Duty(label(i.topic), i.aws) for i in items if i.owner == "AWS"),
        you_do=tuple(Duty(label(i.topic), i.customer) for i in items if i.owner == "Customer"),
        shared=tuple(Duty(label(i.topic), f"AWS: {i.aws} You: {i.customer}") for i in items if i.owner == "Shared"),
        tools=tuple(knowledge.tools[key] for key in tool_keys),
        misconfigurations=service.misconfigurations,
    )


def answer_tools(knowledge: Knowledge, answer: Answer) -> tuple[Tool, ...]:
    return tuple(knowledge.tools[key] for key in answer.tools)


def answer_checks(knowledge: Knowledge, answer: Answer) -> tuple[tuple[str, Check], ...]:
    verify = answer.item.verify if answer.item else ()
    return tuple((check_id, knowledge.checks[check_id]) for check_id in verify)


def answer_to_dict(knowledge: Knowledge, answer: Answer) -> dict[str, Any]:
    """The JSON contract of `srm ask --json`; other tools depend on these keys."""
    return {
        "query": answer.query,
        "status": answer.status,
        "service": answer.service,
        "topic": answer.topic,
        "owner": answer.owner,
        "category": answer.category,
        "tools": [tool.name for tool in answer_tools(knowledge, answer)],
        "sources": list(answer.sources),
        "confidence": answer.confidence,
        "suggestions": [{"service": s.service, "topic": s.topic, "label": s.label} for s in answer.suggestions],
        "kind": answer.kind,
        "message": answer.message,
        "checks": [
            {"id": check_id, "title": c.title, "url": c.url} for check_id, c in answer_checks(knowledge, answer)
        ],
        "internal_owner": answer.internal_owner.model_dump() if answer.internal_owner else None,
        "truncated": answer.truncated,
    }
