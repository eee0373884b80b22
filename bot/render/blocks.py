"""Answers, service summaries, comparisons, the gap report and the Block Kit pieces they share, as Block Kit
dicts. Pure functions, no Slack client."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, get_args

from bot.gaps import GapReport
from bot.knowledge.loader import Knowledge
from bot.knowledge.schema import Service, ServiceModel
from bot.matching.answer import Answer, Suggestion
from bot.matching.overlay import describe
from bot.render.matrix import Matrix
from bot.render.summaries import (
    OVERVIEW_CHARS,
    OVERVIEW_DUTIES,
    Brief,
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

Block = dict[str, Any]

SECTION_LIMIT = 3000
HEADER_LIMIT = 150
BUTTON_TEXT_LIMIT = 75
VALUE_LIMIT = 2000
MESSAGE_BLOCK_LIMIT = 50
MODAL_BLOCK_LIMIT = 100
MODAL_TITLE_LIMIT = 24
BRIEF_TOOLS = 3  # tools named in an answer's context line; Details has them all

OWNER_BADGES = {
    "AWS": ":large_orange_diamond: AWS",
    "Customer": ":large_blue_circle: Customer",
    "Shared": ":large_purple_circle: Shared",
}

# action ids, shared with the listeners that handle them
SHARE = "share_in_channel"
SUGGESTION = "suggestion"
FEEDBACK_HELPFUL = "feedback_helpful"
FEEDBACK_NOT_HELPFUL = "feedback_not_helpful"
DETAILS = "answer_details"
SERVICE_SECTIONS = {  # a service summary's sections, each one click away from the overview
    "aws": "AWS does",
    "you": "You do",
    "shared": "Shared",
    "misconfigurations": "Misconfigurations",
}
FEEDBACK_FORM = "feedback_form"  # the "Not helpful" modal's callback id
FEEDBACK_REASONS = {
    "owner": "names the wrong owner",
    "service": "is about the wrong service",
    "missing": "misses something",
    "other": "is wrong in another way",
}
FEEDBACK_COMMENT_LIMIT = 500  # the long form of an answer or a service summary, in a modal


def escape(text: str) -> str:
    """Escape mrkdwn control characters so user text can never form a mention or link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": cut(text, SECTION_LIMIT)}}


def header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": cut(text, HEADER_LIMIT), "emoji": True}}


def divider() -> Block:
    return {"type": "divider"}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": cut(text, SECTION_LIMIT)}]}


def button(text: str, action_id: str, value: Any, style: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": cut(text, BUTTON_TEXT_LIMIT), "emoji": True},
        "action_id": action_id,
        "value": cut(json.dumps(value, separators=(",", ":")), VALUE_LIMIT),
    }
    if style:
        element["style"] = style
    return element


def actions(elements: list[dict[str, Any]], block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": elements[:25]}
    if block_id:
        block["block_id"] = block_id
    return block


def share_actions(question: str) -> Block:
    return actions([button("Share in channel", SHARE, {"q": question[:1500]})])


def link(url: str, label: str) -> str:
    return f"<{url}|{escape(label)}>"


def _fields(*texts: str) -> Block:
    return {"type": "section", "fields": [{"type": "mrkdwn", "text": cut(t, 2000)} for t in texts[:10]]}


# --- answers ----------------------------------------------------------------------------------
def build_answer_blocks(knowledge: Knowledge, answer: Answer, *, share: bool = False) -> list[Block]:
    share_question = answer.query if share else None
    if answer.kind in ("help", "decline"):
        blocks = [section(escape(answer.message or ""))]
    elif answer.status == "ambiguous":
        blocks = build_suggestion_blocks(answer.query, answer.suggestions)
    elif answer.kind == "summary":
        blocks = build_service_overview_blocks(knowledge, knowledge.services[answer.service or ""], share_question)
    elif answer.kind == "comparison":
        blocks = [block for part in answer.parts for block in _comparison_part(knowledge, part)]
        blocks.append(_feedback(answer, details=True))
    elif answer.kind == "uncurated":
        blocks = [*_uncurated_blocks(knowledge, answer), _feedback(answer)]
    else:
        blocks = _brief_blocks(knowledge, answer)
        if answer.confidence < ANSWER_THRESHOLD and answer.suggestions:
            blocks += _suggestion_buttons("Not what you asked? Did you mean…", answer.suggestions)
        blocks.append(_feedback(answer, details=True))
    if answer.truncated and answer.message and answer.kind not in ("help", "decline"):
        blocks.append(context(escape(answer.message)))
    if share and answer.kind != "summary":
        blocks.append(share_actions(answer.query))
    return blocks[:MESSAGE_BLOCK_LIMIT]


def _comparison_part(knowledge: Knowledge, part: Answer) -> list[Block]:
    """One service of a side-by-side answer: its duty blocks, or its summary line when it has none."""
    if part.kind in ("item", "concept") and part.status == "answered":
        return [*_brief_blocks(knowledge, part), divider()]
    service = knowledge.services.get(part.service or "")
    name = service.name if service else "This service"
    return [section(f"*{escape(name)}:* no single answer here - try `/srm {escape(part.service or '')}`."), divider()]


def _brief_blocks(knowledge: Knowledge, answer: Answer) -> list[Block]:
    """The chat-sized answer: a leading sentence, each side in a line or two, the rest in one context
    line; the long form is one click away (Details)."""
    view = brief(knowledge, answer)
    icon = OWNER_BADGES.get(view.owner or "", ":book: -").split()[0]
    lines = [f"{icon} {_lead(view)}"]
    team = answer.internal_owner
    if team:
        runbook = f" · {link(team.runbook, 'runbook')}" if team.runbook else ""
        lines.append(f"In your organisation: {escape(describe(team))}{runbook}")
    if view.note:
        lines.append(f"_{escape(view.note)}_")
    if view.aws:
        lines.append(f"*AWS does:* {escape(view.aws)}")
    if view.you:
        lines.append(f"*You do:* {escape(view.you)}")
    return [section("\n".join(lines)), context(_context_line(view, answer))]


def _lead(view: Brief) -> str:
    """One sentence that answers the question: duty, service, owner."""
    duty = f"*{escape(view.duty)}*" + (f" on *{escape(view.service)}*" if view.service else "")
    return f"{duty}: {view.verdict}." if view.owner else f"{duty}."


def _context_line(view: Brief, answer: Answer) -> str:
    parts = []
    if view.tools:
        more = " …" if len(view.tools) > BRIEF_TOOLS else ""
        parts.append("Tools: " + ", ".join(link(t.url, t.name) for t in view.tools[:BRIEF_TOOLS]) + more)
    if view.checks:
        parts.append(f"{view.checks} check{'s' if view.checks > 1 else ''} to verify")
    if view.changed:
        parts.append(f":calendar: changed {view.changed}")
    if answer.sources:
        more = f" +{len(answer.sources) - 1}" if len(answer.sources) > 1 else ""
        parts.append(link(answer.sources[0], "Source") + more)
    return " · ".join(parts) or "Details below"


def build_answer_detail_blocks(knowledge: Knowledge, answer: Answer) -> list[Block]:
    """The long form behind Details: every part of the answer, for a modal."""
    if answer.kind == "summary":
        return build_service_blocks(knowledge, knowledge.services[answer.service or ""])
    if answer.kind == "comparison":
        parts = [part for part in answer.parts if part.kind in ("item", "concept") and part.status == "answered"]
        return [block for part in parts for block in (*_duty_blocks(knowledge, part), divider())][:MODAL_BLOCK_LIMIT]
    if answer.kind in ("item", "concept") and answer.status == "answered":
        return _duty_blocks(knowledge, answer)
    return build_answer_blocks(knowledge, answer)


def build_details_modal(title: str, blocks: list[Block]) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": cut(title, MODAL_TITLE_LIMIT)},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": blocks[:MODAL_BLOCK_LIMIT],
    }


def _duty_blocks(knowledge: Knowledge, answer: Answer) -> list[Block]:
    source = answer.item or answer.concept
    assert source is not None
    title = answer.concept.title if answer.concept and not answer.service else ""
    if answer.service:
        title = f"{knowledge.services[answer.service].name}: {knowledge.topics[answer.topic or ''].label}"
    owner = OWNER_BADGES.get(answer.owner or "", "Explains the model")
    team = answer.internal_owner
    if team:
        owner += f"\nIn your organisation: {escape(describe(team))}"
        if team.runbook:
            owner += f" · {link(team.runbook, 'runbook')}"
    blocks = [header(title), _fields(f"*Owner*\n{owner}", f"*Control category*\n{answer.category or 'n/a'}")]
    note = side_note(answer)
    if note:
        blocks.append(context(escape(note)))
    if answer.concept and answer.basis != "layer":
        blocks.append(section(escape(answer.concept.explanation)))
    if source.aws:
        blocks.append(section(f"*AWS does:* {escape(source.aws)}"))
    if source.customer:
        blocks.append(section(f"*You do:* {escape(source.customer)}"))
    if answer.item and answer.item.changed:
        change = answer.item.changed
        blocks.append(
            context(
                f":calendar: Changed {change.date.isoformat()}: {escape(change.text)} ({link(change.source, 'source')})"
            )
        )
    tools = answer_tools(knowledge, answer)
    if tools:
        blocks.append(section("*Tools:* " + ", ".join(link(t.url, t.name) for t in tools)))
    checks = answer_checks(knowledge, answer)
    if checks:
        blocks.append(section("*Verify with:* " + ", ".join(link(c.url, f"{cid} - {c.title}") for cid, c in checks)))
    blocks.append(context("Source: " + " · ".join(link(url, short_url(url)) for url in answer.sources)))
    return blocks


def _uncurated_blocks(knowledge: Knowledge, answer: Answer) -> list[Block]:
    """A service known by name only: say so, and give its model's general rule where there is one."""
    blocks = [header(uncurated_title(knowledge, answer)), section(escape(answer.message or ""))]
    rule = answer.concept
    if rule:
        owner = OWNER_BADGES.get(answer.owner or "", "n/a") + " (general rule)"
        blocks.append(_fields(f"*Owner*\n{owner}", f"*Control category*\n{answer.category or 'n/a'}"))
        blocks.append(context(escape(rule.explanation)))
        blocks.append(section(f"*AWS does:* {escape(rule.aws or '')}"))
        blocks.append(section(f"*You do:* {escape(rule.customer or '')}"))
    blocks.append(context("Source: " + " · ".join(link(url, short_url(url)) for url in answer.sources)))
    return blocks


def short_url(url: str) -> str:
    return url.removeprefix("https://")[:80]


def _feedback(answer: Answer, *, details: bool = False) -> Block:
    value = {"service": answer.service, "topic": answer.topic, "q": answer.query[:1500]}
    elements = [
        button(":thumbsup: Helpful", FEEDBACK_HELPFUL, value),
        button(":thumbsdown: Not helpful", FEEDBACK_NOT_HELPFUL, value),
    ]
    if details:
        elements.insert(0, button("Details", DETAILS, {"q": answer.query[:1500]}))
    return actions(elements, block_id="feedback")


def build_voted_blocks(blocks: list[Block], helpful: bool) -> list[Block]:
    """The answer after a vote: Helpful / Not helpful give way to a short thanks; Details stays."""
    thanks = (
        ":white_check_mark: Thanks - glad it helped."
        if helpful
        else ":memo: Thanks - noted; the people who keep the knowledge base see it in the gap report."
    )
    voted: list[Block] = []
    for block in blocks:
        if block.get("block_id") != "feedback":
            voted.append(block)
            continue
        kept = [e for e in block.get("elements", []) if e.get("action_id") == DETAILS]
        if kept:
            voted.append(actions(kept, block_id="details"))
        voted.append(context(thanks))
    return voted


def build_feedback_modal(metadata: str) -> dict[str, Any]:
    """What was wrong with an answer; `metadata` (the answer and where it was shown) rides along."""
    options = [
        {"text": {"type": "plain_text", "text": label}, "value": value} for value, label in FEEDBACK_REASONS.items()
    ]
    return {
        "type": "modal",
        "callback_id": FEEDBACK_FORM,
        "notify_on_close": True,  # closing it still counts the vote, without a reason
        "private_metadata": metadata,
        "title": {"type": "plain_text", "text": "What was wrong?"},
        "submit": {"type": "plain_text", "text": "Send"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {
                "type": "input",
                "block_id": "reason",
                "label": {"type": "plain_text", "text": "The answer…"},
                "element": {"type": "radio_buttons", "action_id": "reason", "options": options},
            },
            {
                "type": "input",
                "block_id": "comment",
                "optional": True,
                "label": {"type": "plain_text", "text": "What should it have said?"},
                "element": {
                    "type": "plain_text_input",
                    "action_id": "comment",
                    "multiline": True,
                    "max_length": FEEDBACK_COMMENT_LIMIT,
                },
            },
        ],
    }


def build_suggestion_blocks(query: str, suggestions: Iterable[Suggestion]) -> list[Block]:
    suggestions = list(suggestions)
    unsure = f"I am not sure what you mean by “{escape(cut(query, 200))}”."
    if not suggestions:
        return [section(f"{unsure} Try naming a service and a duty, e.g. _who patches RDS?_")]
    return _suggestion_buttons(f"{unsure} Did you mean…", suggestions)


def _suggestion_buttons(text: str, suggestions: Iterable[Suggestion]) -> list[Block]:
    elements = [
        button(s.label, f"{SUGGESTION}_{i}", {"service": s.service, "topic": s.topic})
        for i, s in enumerate(suggestions)
    ]
    return [section(text), actions(elements[:3])]


# --- services ---------------------------------------------------------------------------------
def build_service_overview_blocks(knowledge: Knowledge, service: Service, share: str | None = None) -> list[Block]:
    """A service summary sized for chat: the model, owners at a glance, the first duties; the full
    summary one click away. `share`: the question, for a Share in channel button on the same row."""
    summary = summarize_service(knowledge, service)
    glance = " · ".join(
        f"{OWNER_BADGES[owner]} {len(duties)}"
        for owner, duties in (("AWS", summary.aws_does), ("Customer", summary.you_do), ("Shared", summary.shared))
        if duties
    )
    duties = [
        f"• {escape(knowledge.topics[item.topic].label)}: *{item.owner}*"
        for item in service.responsibilities[:OVERVIEW_DUTIES]
    ]
    more = len(service.responsibilities) - OVERVIEW_DUTIES
    if more > 0:
        duties.append(f"_…and {more} more in the full summary_")
    overview = shorten(service.summary, OVERVIEW_CHARS)
    return [
        section(f"*{escape(service.name)}* - {escape(summary.model_label)}\n{escape(overview)}"),
        section(f"*Duties by owner:* {glance}\n" + "\n".join(duties)),
        actions(
            [
                button("Full summary", DETAILS, {"service": service.key}, style="primary"),
                *(
                    button(SERVICE_SECTIONS[key], DETAILS, {"service": service.key, "section": key})
                    for key in _service_sections(knowledge, service)
                ),
                *([button("Share in channel", SHARE, {"q": share[:1500]})] if share is not None else []),
            ],
            block_id="overview",
        ),
    ]


def build_service_blocks(knowledge: Knowledge, service: Service, section_key: str | None = None) -> list[Block]:
    """The full summary, or one of its sections (SERVICE_SECTIONS) when `section_key` names one."""
    summary = summarize_service(knowledge, service)
    sections = _service_sections(knowledge, service)
    if section_key in sections:
        title = f"{service.name}: {SERVICE_SECTIONS[section_key]}"
        return [header(title), *sections[section_key]][:MESSAGE_BLOCK_LIMIT]
    blocks = [header(service.name), context(f"*{summary.model_label}*"), section(escape(service.summary))]
    blocks += [block for key, part in sections.items() if key != "misconfigurations" for block in part]
    if summary.tools:
        blocks.append(section("*Tools:* " + ", ".join(link(t.url, t.name) for t in summary.tools)))
    blocks += sections.get("misconfigurations", [])
    blocks.append(context("Docs: " + " · ".join(link(d.url, d.title) for d in service.docs)))
    return blocks[:MESSAGE_BLOCK_LIMIT]


def _service_sections(knowledge: Knowledge, service: Service) -> dict[str, list[Block]]:
    """The summary's sections that have content, in SERVICE_SECTIONS order."""
    summary = summarize_service(knowledge, service)
    sections: dict[str, list[Block]] = {}
    for key, heading, duties in (
        ("aws", ":large_orange_diamond: *AWS does*", summary.aws_does),
        ("you", ":large_blue_circle: *You do*", summary.you_do),
        ("shared", ":large_purple_circle: *Shared*", summary.shared),
    ):
        if duties:
            sections[key] = _chunked(heading, [f"• *{escape(d.label)}*: {escape(d.text)}" for d in duties])
    if summary.misconfigurations:
        lines = [f"• {escape(m.problem)} _Fix:_ {escape(m.fix)}" for m in summary.misconfigurations]
        sections["misconfigurations"] = _chunked(":warning: *Common misconfigurations*", lines)
    return sections


def _chunked(heading: str, lines: list[str]) -> list[Block]:
    """Sections of at most SECTION_LIMIT characters, the heading on the first."""
    blocks: list[Block] = []
    current = heading
    for line in lines:
        line = cut(line, SECTION_LIMIT - len(heading) - 2)
        if len(current) + 1 + len(line) > SECTION_LIMIT:
            blocks.append(section(current))
            current = line
        else:
            current += "\n" + line
    blocks.append(section(current))
    return blocks


def build_compare_blocks(knowledge: Knowledge, left: Service, right: Service) -> list[Block]:
    blocks = [
        header(f"{left.name} vs {right.name}"),
        _fields(f"*{escape(left.name)}*\n{left.model}", f"*{escape(right.name)}*\n{right.model}"),
    ]
    topics = list(dict.fromkeys([i.topic for i in left.responsibilities] + [i.topic for i in right.responsibilities]))

    def cell(service: Service, topic: str) -> str:
        item = next((i for i in service.responsibilities if i.topic == topic), None)
        return (
            f"{OWNER_BADGES[item.owner]}\n{escape(cut(item.customer if item.owner != 'AWS' else item.aws, 300))}"
            if item
            else "_not covered_"
        )

    for topic in topics[: MESSAGE_BLOCK_LIMIT - 4]:
        blocks.append(section(f"*{escape(knowledge.topics[topic].label)}*"))
        blocks.append(_fields(cell(left, topic), cell(right, topic)))
    return blocks[:MESSAGE_BLOCK_LIMIT]


def build_matrix_blocks(matrix: Matrix) -> list[Block]:
    """The responsibility matrix as one line per duty (Slack has no tables): owner per service, sources."""
    names = " · ".join(s.name for s in matrix.services)
    lines = []
    for row in matrix.rows:
        cells = " · ".join(
            f"{escape(service.name)} {OWNER_BADGES[cell.owner].split()[0]} {cell.owner}"
            if cell
            else f"{escape(service.name)} -"
            for service, cell in zip(matrix.services, row.cells, strict=True)
        )
        sources = " ".join(link(url, str(i)) for i, url in enumerate(dict.fromkeys(row.sources), 1))
        lines.append(f"• *{escape(row.duty)}*: {cells} · sources {sources}")
    return [
        header(f"Who owns what: {names}"),
        *_chunked("*Duty: owner per service*", lines),
        context("`srm matrix " + " ".join(s.key for s in matrix.services) + " --format md|csv|json` exports it."),
    ][:MESSAGE_BLOCK_LIMIT]


def build_list_blocks(knowledge: Knowledge) -> list[Block]:
    blocks = [header(f"{len(knowledge.services)} AWS services I know")]
    for model in get_args(ServiceModel):
        names = sorted(f"`{s.key}` {escape(s.name)}" for s in knowledge.services.values() if s.model == model)
        if names:
            blocks += _chunked(f"*{knowledge.service_models.of(model).title}*", [", ".join(names)])
    blocks.append(context("Type `/srm KEY` for a summary, e.g. `/srm s3`."))
    return blocks


def build_help_blocks() -> list[Block]:
    usage = (
        "*Ask me who secures what on AWS.*\n"
        "• `/srm who patches RDS?` - ask in your own words\n"
        "• `/srm s3` - a service summary: what AWS does, what you do, tools, misconfigurations\n"
        "• `/srm rds patching` - one duty on one service\n"
        "• `/srm compare ec2 lambda` - two services side by side\n"
        "• `/srm matrix s3 rds lambda` - who owns each duty, service by service, with sources\n"
        "• `/srm list` - every service I know\n"
        "• `/srm quiz` - test yourself\n"
        "Mention me (@srm-bot) in a channel or send me a direct message; I answer in a thread."
    )
    return [section(usage)]


def build_unknown_service_blocks(name: str, similar: list[Service]) -> list[Block]:
    text = f"I do not know a service called “{escape(cut(name, 100))}”."
    if not similar:
        return [section(text + " Type `/srm list` to see them all.")]
    return _suggestion_buttons(text + " Did you mean…", [Suggestion(s.key, None, s.name) for s in similar])


# --- knowledge-gap report ------------------------------------------------------------------------
def build_gaps_blocks(report: GapReport) -> list[Block]:
    lines = gap_lines(report)
    blocks = [header("Knowledge gaps"), context(escape(lines.title))]
    for heading, rows in (
        ("*Top unanswered questions* (similar ones grouped)", lines.questions),
        ("*Services asked about but missing*", lines.missing_services),
        ("*Answers marked not helpful*", lines.not_helpful),
    ):
        blocks += _chunked(heading, [f"• {escape(row)}" for row in rows] or ["_none_"])
    blocks.append(context("Run `srm gaps --since 7d` for the full report; add what is missing to `knowledge/`."))
    return blocks[:MESSAGE_BLOCK_LIMIT]
