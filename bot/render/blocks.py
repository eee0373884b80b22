"""Answers, summaries, the Home tab and the quiz as Block Kit dicts. Pure functions, no Slack client."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from bot.gaps import GapReport
from bot.knowledge.loader import Knowledge
from bot.knowledge.schema import Service
from bot.matching.answer import Answer, Suggestion
from bot.matching.overlay import describe
from bot.quiz import QuizQuestion, QuizState
from bot.render.views import answer_checks, answer_tools, gap_lines, side_note, summarize_service, uncurated_title

Block = dict[str, Any]

SECTION_LIMIT = 3000
HEADER_LIMIT = 150
BUTTON_TEXT_LIMIT = 75
VALUE_LIMIT = 2000
MESSAGE_BLOCK_LIMIT = 50
HOME_BLOCK_LIMIT = 100

OWNER_BADGES = {
    "AWS": ":large_orange_diamond: AWS",
    "Customer": ":large_blue_circle: Customer",
    "Shared": ":large_purple_circle: Shared",
}
LOW_CONFIDENCE = 0.8

# action ids, shared with the listeners that handle them
SHARE = "share_in_channel"
SUGGESTION = "suggestion"
FEEDBACK_HELPFUL = "feedback_helpful"
FEEDBACK_NOT_HELPFUL = "feedback_not_helpful"
QUIZ_START = "quiz_start"
QUIZ_ANSWER = "quiz_answer"
HOME_SERVICE = "home_open_service"
STARTER_QUESTION = "starter_question"


def escape(text: str) -> str:
    """Escape mrkdwn control characters so user text can never form a mention or link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": _cut(text, SECTION_LIMIT)}}


def header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": _cut(text, HEADER_LIMIT), "emoji": True}}


def divider() -> Block:
    return {"type": "divider"}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": _cut(text, SECTION_LIMIT)}]}


def button(text: str, action_id: str, value: Any, style: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": _cut(text, BUTTON_TEXT_LIMIT), "emoji": True},
        "action_id": action_id,
        "value": _cut(json.dumps(value, separators=(",", ":")), VALUE_LIMIT),
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
    return {"type": "section", "fields": [{"type": "mrkdwn", "text": _cut(t, 2000)} for t in texts[:10]]}


# --- answers ----------------------------------------------------------------------------------
def build_answer_blocks(knowledge: Knowledge, answer: Answer, *, share: bool = False) -> list[Block]:
    if answer.kind in ("help", "decline"):
        blocks = [section(escape(answer.message or ""))]
    elif answer.status == "ambiguous":
        blocks = build_suggestion_blocks(answer.query, answer.suggestions)
    elif answer.kind == "summary":
        blocks = build_service_blocks(knowledge, knowledge.services[answer.service or ""])
    elif answer.kind == "comparison":
        blocks = [block for part in answer.parts for block in _comparison_part(knowledge, part)]
        blocks.append(_feedback(answer))
    elif answer.kind == "uncurated":
        blocks = [*_uncurated_blocks(knowledge, answer), _feedback(answer)]
    else:
        blocks = _duty_blocks(knowledge, answer)
        if answer.confidence < LOW_CONFIDENCE and answer.suggestions:
            blocks += _suggestion_buttons("Not what you asked? Did you mean…", answer.suggestions)
        blocks.append(_feedback(answer))
    if answer.truncated and answer.message and answer.kind not in ("help", "decline"):
        blocks.append(context(escape(answer.message)))
    if share:
        blocks.append(share_actions(answer.query))
    return blocks[:MESSAGE_BLOCK_LIMIT]


def _comparison_part(knowledge: Knowledge, part: Answer) -> list[Block]:
    """One service of a side-by-side answer: its duty blocks, or its summary line when it has none."""
    if part.kind in ("item", "concept") and part.status == "answered":
        return [*_duty_blocks(knowledge, part), divider()]
    service = knowledge.services.get(part.service or "")
    name = service.name if service else "This service"
    return [section(f"*{escape(name)}:* no single answer here - try `/srm {escape(part.service or '')}`."), divider()]


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
    blocks.append(context("Source: " + " · ".join(link(url, _short_url(url)) for url in answer.sources)))
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
    blocks.append(context("Source: " + " · ".join(link(url, _short_url(url)) for url in answer.sources)))
    return blocks


def _short_url(url: str) -> str:
    return url.removeprefix("https://")[:80]


def _feedback(answer: Answer) -> Block:
    value = {"service": answer.service, "topic": answer.topic}
    return actions(
        [
            button(":thumbsup: Helpful", FEEDBACK_HELPFUL, value),
            button(":thumbsdown: Not helpful", FEEDBACK_NOT_HELPFUL, value),
        ],
        block_id="feedback",
    )


def build_suggestion_blocks(query: str, suggestions: Iterable[Suggestion]) -> list[Block]:
    suggestions = list(suggestions)
    unsure = f"I am not sure what you mean by “{escape(_cut(query, 200))}”."
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
def build_service_blocks(knowledge: Knowledge, service: Service) -> list[Block]:
    summary = summarize_service(knowledge, service)
    blocks = [header(service.name), context(f"*{summary.model_label}*"), section(escape(service.summary))]
    for heading, duties in (
        (":large_orange_diamond: *AWS does*", summary.aws_does),
        (":large_blue_circle: *You do*", summary.you_do),
        (":large_purple_circle: *Shared*", summary.shared),
    ):
        if duties:
            blocks += _chunked(heading, [f"• *{escape(d.label)}*: {escape(d.text)}" for d in duties])
    if summary.tools:
        blocks.append(section("*Tools:* " + ", ".join(link(t.url, t.name) for t in summary.tools)))
    if summary.misconfigurations:
        lines = [f"• {escape(m.problem)} _Fix:_ {escape(m.fix)}" for m in summary.misconfigurations]
        blocks += _chunked(":warning: *Common misconfigurations*", lines)
    blocks.append(context("Docs: " + " · ".join(link(d.url, d.title) for d in service.docs)))
    return blocks[:MESSAGE_BLOCK_LIMIT]


def _chunked(heading: str, lines: list[str]) -> list[Block]:
    """Sections of at most SECTION_LIMIT characters, the heading on the first."""
    blocks: list[Block] = []
    current = heading
    for line in lines:
        line = _cut(line, SECTION_LIMIT - len(heading) - 2)
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
            f"{OWNER_BADGES[item.owner]}\n{escape(_cut(item.customer if item.owner != 'AWS' else item.aws, 300))}"
            if item
            else "_not covered_"
        )

    for topic in topics[: MESSAGE_BLOCK_LIMIT - 4]:
        blocks.append(section(f"*{escape(knowledge.topics[topic].label)}*"))
        blocks.append(_fields(cell(left, topic), cell(right, topic)))
    return blocks[:MESSAGE_BLOCK_LIMIT]


def build_list_blocks(knowledge: Knowledge) -> list[Block]:
    blocks = [header(f"{len(knowledge.services)} AWS services I know")]
    for model in ("infrastructure", "container", "abstract"):
        names = sorted(f"`{s.key}` {escape(s.name)}" for s in knowledge.services.values() if s.model == model)
        if names:
            blocks += _chunked(f"*{model.capitalize()} services*", [", ".join(names)])
    blocks.append(context("Type `/srm KEY` for a summary, e.g. `/srm s3`."))
    return blocks


def build_help_blocks() -> list[Block]:
    usage = (
        "*Ask me who secures what on AWS.*\n"
        "• `/srm who patches RDS?` - ask in your own words\n"
        "• `/srm s3` - a service summary: what AWS does, what you do, tools, misconfigurations\n"
        "• `/srm rds patching` - one duty on one service\n"
        "• `/srm compare ec2 lambda` - two services side by side\n"
        "• `/srm list` - every service I know\n"
        "• `/srm quiz` - test yourself\n"
        "Mention me (@srm-bot) in a channel or send me a direct message; I answer in a thread."
    )
    return [section(usage)]


def build_unknown_service_blocks(name: str, similar: list[Service]) -> list[Block]:
    text = f"I do not know a service called “{escape(_cut(name, 100))}”."
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


# --- quiz -------------------------------------------------------------------------------------
def build_quiz_question_blocks(question: QuizQuestion, state: QuizState) -> list[Block]:
    elements = [
        button(owner, QUIZ_ANSWER + f"_{owner.lower()}", {**state.as_value(), "pick": owner})
        for owner in ("AWS", "Customer", "Shared")
    ]
    return [
        section(
            f"*Question {state.position + 1} of {state.total}* (score so far: {state.score})\n{escape(question.text)}"
        ),
        actions(elements, block_id="quiz"),
    ]


def build_quiz_feedback_blocks(
    question: QuizQuestion, picked: str, state: QuizState, next_question: QuizQuestion | None,
    best: tuple[int, int] | None = None,
) -> list[Block]:  # fmt: skip
    """`best`: the player's best finished quiz so far (score, total), shown with the final score."""
    verdict = ":white_check_mark: Right!" if picked == question.owner else f":x: Not quite - it is *{question.owner}*."
    blocks = [
        section(f"{escape(question.text)}\nYou said *{escape(picked)}*. {verdict}"),
        section(f"*AWS does:* {escape(question.aws)}\n*You do:* {escape(question.customer)}"),
        context(f"Category: {question.category} · Source: {link(question.source, _short_url(question.source))}"),
    ]
    if next_question is None:
        best_line = f" Your best so far: {best[0]} of {best[1]}." if best else ""
        blocks.append(
            section(
                f":trophy: *Quiz finished: {state.score} of {state.total} right.*{best_line}"
                " Type `/srm quiz` to play again."
            )
        )
    else:
        blocks += build_quiz_question_blocks(next_question, state)
    return blocks


def build_quiz_intro_blocks(first: QuizQuestion, state: QuizState) -> list[Block]:
    intro = section(
        f"*Shared responsibility quiz* - {state.total} questions. "
        "For each duty, who owns it: AWS, the customer, or both?"
    )
    return [intro, *build_quiz_question_blocks(first, state)]


# --- onboarding -------------------------------------------------------------------------------
def build_home_view(knowledge: Knowledge, opened: Service | None = None) -> dict[str, Any]:
    concepts = knowledge.concepts
    tour = [
        header("Welcome to srm-bot"),
        section("I answer *who secures what on AWS* - the Shared Responsibility Model - with a source for every fact."),
    ]
    for topic in ("shared_responsibility_model", "landlord_tenant", "control_categories", "service_models"):
        if topic in concepts:
            tour.append(section(f"*{escape(concepts[topic].title)}*\n{escape(concepts[topic].explanation)}"))
    options = [
        {"text": {"type": "plain_text", "text": _cut(s.name, 75)}, "value": s.key}
        for s in sorted(knowledge.services.values(), key=lambda s: s.name.lower())
    ][:100]
    tour.append({"type": "divider"})
    tour.append(
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": "*Open a service summary*"},
            "accessory": {
                "type": "static_select",
                "action_id": HOME_SERVICE,
                "placeholder": {"type": "plain_text", "text": "Choose a service"},
                "options": options,
            },
        }
    )
    tour.append(actions([button("Start the quiz", QUIZ_START, {"from": "home"}, style="primary")]))
    if opened is not None:
        tour += [{"type": "divider"}, *build_service_blocks(knowledge, opened)]
    return {"type": "home", "blocks": tour[:HOME_BLOCK_LIMIT]}


def build_welcome_blocks(starters: list[str]) -> list[Block]:
    elements = [button(q, f"{STARTER_QUESTION}_{i}", {"q": q}) for i, q in enumerate(starters[:3])]
    return [
        section(
            ":wave: *Welcome!* I answer who secures what on AWS under the Shared Responsibility Model. "
            "Try one of these, or open my Home tab for a tour and a quiz:"
        ),
        actions(elements),
    ]
