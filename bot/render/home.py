"""The Home tab, the welcome for a new channel member, and the quiz, as Block Kit dicts. Pure functions,
no Slack client."""

from __future__ import annotations

from typing import Any

from bot.knowledge.loader import Knowledge
from bot.knowledge.schema import Service
from bot.quiz import QuizQuestion, QuizState
from bot.render.blocks import (
    Block,
    actions,
    build_service_blocks,
    button,
    context,
    cut,
    escape,
    header,
    link,
    section,
    short_url,
)

HOME_BLOCK_LIMIT = 100
QUIZ_START = "quiz_start"
QUIZ_ANSWER = "quiz_answer"
HOME_SERVICE = "home_open_service"
STARTER_QUESTION = "starter_question"


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
    question: QuizQuestion,
    picked: str,
    state: QuizState,
    next_question: QuizQuestion | None,
    best: tuple[int, int] | None = None,
) -> list[Block]:
    """`best`: the player's best finished quiz so far (score, total), shown with the final score."""
    verdict = ":white_check_mark: Right!" if picked == question.owner else f":x: Not quite - it is *{question.owner}*."
    blocks = [
        section(f"{escape(question.text)}\nYou said *{escape(picked)}*. {verdict}"),
        section(f"*AWS does:* {escape(question.aws)}\n*You do:* {escape(question.customer)}"),
        context(f"Category: {question.category} · Source: {link(question.source, short_url(question.source))}"),
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
    tour = [
        header("Welcome to srm-bot"),
        section("I answer *who secures what on AWS* - the Shared Responsibility Model - with a source for every fact."),
    ]
    for concept in knowledge.home_tour:
        tour.append(section(f"*{escape(concept.title)}*\n{escape(concept.explanation)}"))
    options = [
        {"text": {"type": "plain_text", "text": cut(s.name, 75)}, "value": s.key}
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
