"""Presentation-neutral views of answers and services, shared by the terminal and Slack renderers."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from bot.gaps import GapReport
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


def side_note(answer: Answer) -> str | None:
    """Why the owner differs from the duty's own label: one side of it was asked, or a general rule."""
    if answer.basis == "side" and answer.item and answer.side:
        party = "AWS's" if answer.side == "AWS" else "your"
        return f"You asked about {party} part of this duty; the duty as a whole is {answer.item.owner}."
    if answer.basis == "layer" and answer.concept:
        return answer.concept.explanation
    return None


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
        "basis": answer.basis,
        "side": answer.side,
        "comparison": [answer_to_dict(knowledge, part) for part in answer.parts],
        # false: `service` is known by name only (knowledge/catalog.yaml); null when no service is named
        "curated": None if answer.service is None else answer.service in knowledge.services,
    }


def uncurated_title(knowledge: Knowledge, answer: Answer) -> str:
    entry = knowledge.catalog.get(answer.service or "")
    return f"{entry.name if entry else answer.service}: not curated yet"


# --- knowledge-gap report -----------------------------------------------------------------------
@dataclass(frozen=True)
class GapLines:
    """The gap report as plain lines, shared by the terminal and Slack renderers (Slack escapes them)."""

    title: str
    questions: list[str]
    missing_services: list[str]
    not_helpful: list[str]


def gap_lines(report: GapReport) -> GapLines:
    since = report.since.strftime("%Y-%m-%d %H:%M UTC")
    questions = []
    for group in report.groups:
        shown = f"“{group.example}”" if group.example else "(text not kept; SRM_STORE_QUESTIONS=true keeps it)"
        outcome = ", ".join(f"{status} {n}" for status, n in group.statuses.items())
        services = f"; matched {', '.join(group.services)}" if group.services else ""
        questions.append(f"{group.count} x {shown} ({outcome}{services})")
    return GapLines(
        title=f"Knowledge gaps since {since}: {report.questions} question(s) not answered well",
        questions=questions,
        missing_services=[f"{name}: asked {n} time(s)" for name, n in report.missing_services],
        not_helpful=[
            f"{line.service or 'model-wide'} / {line.topic or 'summary'}: {line.not_helpful} not helpful,"
            f" {line.helpful} helpful"
            for line in report.not_helpful
        ],
    )


def gaps_to_dict(report: GapReport) -> dict[str, Any]:
    return {
        "since": report.since.isoformat() + "Z",
        "questions": report.questions,
        "groups": [asdict(group) for group in report.groups],
        "missing_services": [{"service": name, "count": n} for name, n in report.missing_services],
        "not_helpful": [asdict(line) for line in report.not_helpful],
    }
