"""Quiz questions generated from the knowledge base, with state small enough to ride in a button."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from bot.knowledge.loader import Knowledge

QUIZ_LENGTH = 5


@dataclass(frozen=True)
class QuizQuestion:
    text: str
    owner: str
    category: str
    aws: str
    customer: str
    source: str


@dataclass(frozen=True)
class QuizState:
    """Where a player is: the seed fixes the question order, so no server-side session is needed."""

    seed: int
    position: int = 0
    score: int = 0
    total: int = QUIZ_LENGTH

    def as_value(self) -> dict[str, int]:
        return {"seed": self.seed, "pos": self.position, "score": self.score, "total": self.total}

    @classmethod
    def from_value(cls, value: dict[str, Any]) -> QuizState:
        return cls(int(value["seed"]), int(value["pos"]), int(value["score"]), int(value["total"]))


def quiz_questions(knowledge: Knowledge) -> list[QuizQuestion]:
    questions = []
    for service in sorted(knowledge.services.values(), key=lambda s: s.key):
        for item in service.responsibilities:
            template = knowledge.topics[item.topic].quiz
            if template:
                text = template.format(service=service.name)
                questions.append(
                    QuizQuestion(text, item.owner, item.category, item.aws, item.customer, item.sources[0])
                )
    return list({q.text: q for q in questions}.values())


def question_at(questions: list[QuizQuestion], state: QuizState) -> QuizQuestion | None:
    """The question for the state's position, or None when the quiz is over."""
    if state.position >= state.total or not questions:
        return None
    order = random.Random(state.seed).sample(range(len(questions)), k=min(state.total, len(questions)))
    return questions[order[state.position]] if state.position < len(order) else None


def new_quiz(questions: list[QuizQuestion], seed: int | None = None) -> QuizState:
    seed = random.SystemRandom().randrange(1 << 30) if seed is None else seed
    return QuizState(seed=seed, total=min(QUIZ_LENGTH, len(questions)))


def answer_quiz(questions: list[QuizQuestion], state: QuizState, picked: str) -> tuple[QuizQuestion | None, QuizState]:
    """Score the pick for the current question and move on."""
    question = question_at(questions, state)
    if question is None:
        return None, state
    gained = 1 if picked == question.owner else 0
    return question, QuizState(state.seed, state.position + 1, state.score + gained, state.total)
