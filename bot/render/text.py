"""Answers and service summaries as plain terminal text."""

from __future__ import annotations

import textwrap

from bot.gaps import GapReport
from bot.knowledge.loader import Knowledge
from bot.knowledge.schema import Service, Team
from bot.matching.answer import Answer
from bot.matching.overlay import describe
from bot.render.views import (
    Duty,
    answer_checks,
    answer_tools,
    gap_lines,
    side_note,
    summarize_service,
    uncurated_title,
)

WIDTH = 100


def _field(label: str, text: str) -> str:
    # URLs and identifiers stay whole so they can be copied from the terminal
    return textwrap.fill(
        text, WIDTH, initial_indent=f"{label:<11}", subsequent_indent=" " * 11,
        break_long_words=False, break_on_hyphens=False,
    )  # fmt: skip


def _bullets(duties: tuple[Duty, ...]) -> list[str]:
    return [textwrap.fill(f"- {d.label}: {d.text}", WIDTH, subsequent_indent="  ") for d in duties]


def render_answer(knowledge: Knowledge, answer: Answer) -> str:
    if answer.kind in ("help", "decline"):
        return answer.message or ""
    if answer.status == "ambiguous":
        return render_suggestions(answer)
    if answer.kind == "comparison":
        return "\n\n".join(render_answer(knowledge, part) for part in answer.parts) + _note(answer)
    if answer.kind == "uncurated":
        return _render_uncurated(knowledge, answer)
    if answer.kind == "summary":
        service = knowledge.services[answer.service or ""]
        return render_service(knowledge, service) + _note(answer)
    lines = [_title(knowledge, answer)]
    lines.append(
        f"Owner: {answer.owner or 'explains the model'}"
        + (f"   Control category: {answer.category}" if answer.category else "")
    )
    if answer.internal_owner:
        lines.append(_field("Your team:", _team_line(answer.internal_owner)))
    note = side_note(answer)
    if note:
        lines.append(textwrap.fill(note, WIDTH))
    if answer.concept and answer.basis != "layer":
        lines.append(textwrap.fill(answer.concept.explanation, WIDTH))
    source = answer.item or answer.concept
    if source and source.aws:
        lines.append(_field("AWS does:", source.aws))
    if source and source.customer:
        lines.append(_field("You do:", source.customer))
    if answer.concept and answer.concept.examples:
        lines.extend(f"- {example}" for example in answer.concept.examples)
    if answer.item and answer.item.changed:
        change = answer.item.changed
        lines.append(_field("Changed:", f"{change.date.isoformat()}: {change.text} ({change.source})"))
    tools = answer_tools(knowledge, answer)
    if tools:
        lines.append(_field("Tools:", ", ".join(t.name for t in tools)))
    checks = answer_checks(knowledge, answer)
    if checks:
        lines.append(_field("Verify:", ", ".join(f"{cid} ({c.title})" for cid, c in checks)))
    lines.extend(_field("Source:", url) for url in answer.sources)
    if answer.confidence < 0.8 and answer.suggestions:
        lines.append("Did you mean: " + "; ".join(s.label for s in answer.suggestions))
    return "\n".join(lines) + _note(answer)


def _render_uncurated(knowledge: Knowledge, answer: Answer) -> str:
    lines = [uncurated_title(knowledge, answer), textwrap.fill(answer.message or "", WIDTH)]
    rule = answer.concept
    if rule:
        lines.append(f"Owner: {answer.owner} (general rule)   Control category: {answer.category}")
        lines.append(textwrap.fill(rule.explanation, WIDTH))
        lines += [_field("AWS does:", rule.aws or ""), _field("You do:", rule.customer or "")]
    lines.extend(_field("Source:", url) for url in answer.sources)
    return "\n".join(lines) + _note(answer)


def _team_line(team: Team) -> str:
    line = f"in your organisation: {describe(team)}"
    return f"{line} (runbook: {team.runbook})" if team.runbook else line


def _title(knowledge: Knowledge, answer: Answer) -> str:
    topic = knowledge.topics[answer.topic].label if answer.topic else ""
    if answer.concept and not answer.service:
        return answer.concept.title
    service = knowledge.services[answer.service].name if answer.service else ""
    return " - ".join(part for part in (service, topic) if part)


def _note(answer: Answer) -> str:
    return f"\n({answer.message})" if answer.truncated and answer.message else ""


def render_suggestions(answer: Answer) -> str:
    if not answer.suggestions:
        return 'I am not sure what you mean. Try naming a service and a duty, e.g. "who patches RDS?"'
    return "I am not sure which you mean:\n" + "\n".join(f"- {s.label}" for s in answer.suggestions)


def render_service(knowledge: Knowledge, service: Service) -> str:
    summary = summarize_service(knowledge, service)
    lines = [f"{service.name} ({service.key})", summary.model_label, textwrap.fill(service.summary, WIDTH)]
    for heading, duties in (("AWS does", summary.aws_does), ("You do", summary.you_do), ("Shared", summary.shared)):
        if duties:
            lines += ["", f"{heading}:", *_bullets(duties)]
    if summary.tools:
        lines += ["", _field("Tools:", ", ".join(t.name for t in summary.tools))]
    if summary.misconfigurations:
        lines += ["", "Common misconfigurations:"]
        lines += [
            textwrap.fill(f"- {m.problem} Fix: {m.fix}", WIDTH, subsequent_indent="  ")
            for m in summary.misconfigurations
        ]
    lines += ["", *(f"Docs: {link.title} - {link.url}" for link in service.docs)]
    return "\n".join(lines)


def render_service_list(knowledge: Knowledge) -> str:
    rows = sorted(knowledge.services.values(), key=lambda s: s.key)
    width = max(len(s.key) for s in rows)
    return "\n".join(f"{s.key:<{width}}  {s.model:<14}  {s.name}" for s in rows)


def render_gaps(report: GapReport) -> str:
    lines = gap_lines(report)
    out = [lines.title, ""]
    for heading, rows, empty in (
        ("Top unanswered questions (similar ones grouped)", lines.questions, "none"),
        ("Services asked about but not in the knowledge base", lines.missing_services, "none"),
        ("Answers marked not helpful", lines.not_helpful, "none"),
    ):
        out.append(heading + ":")
        out += [f"  - {row}" for row in rows] or [f"  {empty}"]
        out.append("")
    return "\n".join(out).rstrip()
