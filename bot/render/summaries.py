"""Presentation-neutral views of answers and services, shared by the terminal and Slack renderers."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

import msgspec

from bot.gaps import FeedbackLine, GapReport
from bot.knowledge.loader import Knowledge
from bot.knowledge.schema import Check, Misconfiguration, Service, Tool
from bot.matching.answer import Answer


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
        model_label=knowledge.service_models.of(service.model).label,
        aws_does=tuple(Duty(label(i.topic), i.aws) for i in items if i.owner == "AWS"),
        you_do=tuple(Duty(label(i.topic), i.customer) for i in items if i.owner == "Customer"),
        shared=tuple(Duty(label(i.topic), f"AWS: {i.aws} You: {i.customer}") for i in items if i.owner == "Shared"),
        tools=tuple(knowledge.tools[key] for key in tool_keys),
        misconfigurations=service.misconfigurations,
    )


# --- chat-sized answers ---------------------------------------------------------------------------
OVERVIEW_DUTIES = 4  # duties a service overview names before the full summary
OVERVIEW_CHARS = 250  # a service overview's summary: about three lines
BRIEF_CHARS = 170  # "AWS does" / "You do" before Details: two lines of a Slack message on a laptop
OWNS = {"AWS": "AWS owns it", "Customer": "Customer - you own it", "Shared": "Shared - AWS and you each own a part"}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")


@dataclass(frozen=True)
class Brief:
    """A duty answer cut to chat size: what shows before "Details"; the renderers add the markup."""

    duty: str  # the topic's label, or a model-wide entry's title
    service: str | None  # the service's name
    owner: str | None
    category: str | None
    aws: str | None
    you: str | None
    note: str | None  # one side asked, or a general rule (side_note), itself cut short
    tools: tuple[Tool, ...]
    checks: int
    changed: str | None  # the date of a dated change, e.g. "2024-02-29"

    @property
    def verdict(self) -> str:
        """The owner as a clause: "AWS owns it (control category: Shared)"."""
        if not self.owner:
            return "explains the model"
        category = f" (control category: {self.category})" if self.category else ""
        return OWNS.get(self.owner, self.owner) + category

    @property
    def notification(self) -> str:
        """Plain text for notifications and screen readers: service, duty and owner."""
        subject = f"{self.service} · {self.duty}" if self.service else self.duty
        return f"{subject}: {self.owner or 'explains the model'}" + (f" ({self.category})" if self.category else "")


def shorten(text: str, limit: int = BRIEF_CHARS) -> str:
    """The first sentences that fit in `limit`, or the first one cut at a word with an ellipsis."""
    kept = ""
    for sentence in _SENTENCE_END.split(text.strip()):
        if len(kept) + len(sentence) + 1 > limit:
            break
        kept = f"{kept} {sentence}".strip()
    if kept:
        return kept
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def brief(knowledge: Knowledge, answer: Answer) -> Brief:
    """The chat-sized view of an item or concept answer (answered, not a summary)."""
    source = answer.item or answer.concept
    topic = knowledge.topics.get(answer.topic or "")
    if answer.concept and not answer.service:
        duty = answer.concept.title
    else:
        duty = topic.label if topic else (answer.concept.title if answer.concept else "")
    service = knowledge.services.get(answer.service or "")
    explanation = answer.concept.explanation if answer.concept and answer.basis != "layer" else None
    aws = source.aws if source else None
    you = source.customer if source else None
    note = side_note(answer)
    if not aws and not you and explanation:
        note = explanation  # a model-wide entry with no sides: its explanation is the answer
    return Brief(
        duty=duty,
        service=service.name if service else None,
        owner=answer.owner,
        category=answer.category,
        aws=shorten(aws) if aws else None,
        you=shorten(you) if you else None,
        note=shorten(note) if note else None,
        tools=answer_tools(knowledge, answer),
        checks=len(answer_checks(knowledge, answer)),
        changed=answer.item.changed.date.isoformat() if answer.item and answer.item.changed else None,
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
        "internal_owner": msgspec.to_builtins(answer.internal_owner) if answer.internal_owner else None,
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
        not_helpful=[_feedback_line(line) for line in report.not_helpful],
    )


def _feedback_line(line: FeedbackLine) -> str:
    subject = f"{line.service or 'model-wide'} / {line.topic or 'summary'}"
    text = f"{subject}: {line.not_helpful} not helpful, {line.helpful} helpful"
    if line.reasons:
        text += " (wrong: " + ", ".join(f"{reason} {n}" for reason, n in line.reasons.items()) + ")"
    return text + "".join(f" “{' '.join(comment.split())}”" for comment in line.comments)  # one line each


def gaps_to_dict(report: GapReport) -> dict[str, Any]:
    return {
        "since": report.since.isoformat() + "Z",
        "questions": report.questions,
        "groups": [asdict(group) for group in report.groups],
        "missing_services": [{"service": name, "count": n} for name, n in report.missing_services],
        "not_helpful": [asdict(line) for line in report.not_helpful],
    }
