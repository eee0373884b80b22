"""Answers and service summaries as plain terminal text."""

from __future__ import annotations

import textwrap

from bot.gaps import GapReport
from bot.knowledge.loader import Knowledge
from bot.knowledge.schema import Service, Team
from bot.matching.answer import Answer
from bot.matching.overlay import describe
from bot.render.summaries import (
    OVERVIEW_CHARS,
    OVERVIEW_DUTIES,
    Duty,
    answer_checks,
    answer_tools,
    brief,
    gap_lines,
    shorten,
    side_note,
    summarize_service,
    uncurated_title,
)
from bot.settings import ANSWER_THRESHOLD

WIDTH = 100


def _field(label: str, text: str) -> str:
    # URLs and identifiers stay whole so they can be copied from the terminal
    return textwrap.fill(
        text,
        WIDTH,
        initial_indent=f"{label:<11}",
        subsequent_indent=" " * 11,
        break_long_words=False,
        break_on_hyphens=False,
    )


def _bullets(duties: tuple[Duty, ...]) -> list[str]:
    return [textwrap.fill(f"- {d.label}: {d.text}", WIDTH, subsequent_indent="  ") for d in duties]


# ANSI colours for a terminal (the caller decides: a tty, and NO_COLOR not set): the owner stands out.
OWNER_COLOURS = {"AWS": "33", "Customer": "34", "Shared": "35"}
BOLD = "1"


def paint(text: str, code: str) -> str:
    return f"\x1b[{code}m{text}\x1b[0m"


def render_answer(knowledge: Knowledge, answer: Answer, *, full: bool = False, colour: bool = False) -> str:
    """The chat-sized answer, as in Slack before "Details"; `full`: every part (srm ask --full);
    `colour`: ANSI colours for a terminal."""
    if colour and not full and answer.kind in ("item", "concept") and answer.status == "answered":
        return _coloured(_render_brief(knowledge, answer) + _note(answer), answer)
    if answer.kind in ("help", "decline"):
        return answer.message or ""
    if answer.status == "ambiguous":
        return render_suggestions(answer)
    if answer.kind == "comparison":
        return "\n\n".join(render_answer(knowledge, part, full=full) for part in answer.parts) + _note(answer)
    if answer.kind == "uncurated":
        return _render_uncurated(knowledge, answer)
    if answer.kind == "summary":
        service = knowledge.services[answer.service or ""]
        shown = render_service(knowledge, service) if full else render_service_overview(knowledge, service)
        return shown + _note(answer)
    if not full and answer.status == "answered":
        return _render_brief(knowledge, answer) + _note(answer)
    return _render_full(knowledge, answer) + _note(answer)


def _coloured(text: str, answer: Answer) -> str:
    """The plain answer with its first line's owner clause in the owner's colour and the labels bold."""
    first, _, rest = text.partition("\n")
    subject, sep, verdict = first.partition(": ")
    code = OWNER_COLOURS.get(answer.owner or "")
    if sep and code:
        first = paint(subject, BOLD) + sep + paint(verdict, code)
    labelled = [
        paint(line[:11], BOLD) + line[11:] if line[:11].rstrip() in ("AWS does:", "You do:", "Source:") else line
        for line in rest.split("\n")
    ]
    return "\n".join([first, *labelled]) if rest else first


def _render_brief(knowledge: Knowledge, answer: Answer) -> str:
    view = brief(knowledge, answer)
    subject = f"{view.duty} on {view.service}" if view.service else view.duty
    lines = [textwrap.fill(f"{subject}: {view.verdict}." if view.owner else f"{subject}.", WIDTH)]
    if answer.internal_owner:
        lines.append(_field("Your team:", _team_line(answer.internal_owner)))
    if view.note:
        lines.append(textwrap.fill(view.note, WIDTH))
    if view.aws:
        lines.append(_field("AWS does:", view.aws))
    if view.you:
        lines.append(_field("You do:", view.you))
    extras = []
    if view.tools:
        extras.append("Tools: " + ", ".join(t.name for t in view.tools))
    if view.checks:
        extras.append(f"{view.checks} check{'s' if view.checks > 1 else ''} to verify")
    if view.changed:
        extras.append(f"changed {view.changed}")
    if extras:
        lines.append(textwrap.fill(" · ".join(extras), WIDTH))
    if answer.sources:
        more = len(answer.sources) - 1
        lines.append(_field("Source:", answer.sources[0] + (f" (+{more} more)" if more else "")))
    if answer.confidence < ANSWER_THRESHOLD and answer.suggestions:
        lines.append("Did you mean: " + "; ".join(s.label for s in answer.suggestions))
    return "\n".join(lines)


def _render_full(knowledge: Knowledge, answer: Answer) -> str:
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
    if answer.confidence < ANSWER_THRESHOLD and answer.suggestions:
        lines.append("Did you mean: " + "; ".join(s.label for s in answer.suggestions))
    return "\n".join(lines)


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


def render_service_overview(knowledge: Knowledge, service: Service) -> str:
    """A service summary sized like the Slack overview; `srm service KEY` prints the whole summary."""
    summary = summarize_service(knowledge, service)
    owners = (("AWS", summary.aws_does), ("Customer", summary.you_do), ("Shared", summary.shared))
    counts = [f"{owner} {len(duties)}" for owner, duties in owners if duties]
    lines = [f"{service.name} ({service.key}): {summary.model_label}"]
    lines.append(textwrap.fill(shorten(service.summary, OVERVIEW_CHARS), WIDTH))
    lines.append("Duties by owner: " + " · ".join(counts))
    lines += [f"- {knowledge.topics[i.topic].label}: {i.owner}" for i in service.responsibilities[:OVERVIEW_DUTIES]]
    more = len(service.responsibilities) - OVERVIEW_DUTIES
    lines.append(f"({more} more duties: srm service {service.key})" if more > 0 else f"(srm service {service.key})")
    return "\n".join(lines)


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
