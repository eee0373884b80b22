"""The quiz: questions generated from the knowledge base, a state small enough to ride in a button."""

from __future__ import annotations

import pytest

from bot.quiz import QUIZ_LENGTH, QuizQuestion, QuizState, answer_quiz, new_quiz, question_at, quiz_questions

QUESTIONS = [QuizQuestion(f"q{i}", "AWS", "Inherited", "a", "c", "https://docs.aws.amazon.com/") for i in range(8)]


def test_questions_come_from_items_whose_topic_has_a_quiz_template(knowledge):
    questions = quiz_questions(knowledge)
    assert questions and len({q.text for q in questions}) == len(questions)  # no repeats
    for question in questions:
        assert question.owner in ("AWS", "Customer", "Shared") and question.source.startswith("https://")
    names = [service.name for service in knowledge.services.values()]
    assert all(any(name in question.text for name in names) for question in questions)  # {service} filled in
    assert len(questions) >= QUIZ_LENGTH


def test_the_state_round_trips_through_a_button_value():
    state = QuizState(seed=42, position=2, score=1, total=5)
    assert QuizState.from_value(state.as_value()) == state


@pytest.mark.parametrize("value", [{}, {"seed": "x", "pos": 0, "score": 0, "total": 5}, {"seed": 1}])
def test_a_forged_value_is_refused(value):
    with pytest.raises((KeyError, TypeError, ValueError)):
        QuizState.from_value(value)


def test_the_seed_fixes_the_order_without_repeats():
    state = new_quiz(QUESTIONS, seed=3)
    assert state.total == QUIZ_LENGTH
    asked = [question_at(QUESTIONS, QuizState(3, position)) for position in range(QUIZ_LENGTH)]
    assert len(set(q.text for q in asked)) == QUIZ_LENGTH
    assert asked == [question_at(QUESTIONS, QuizState(3, position)) for position in range(QUIZ_LENGTH)]


def test_a_short_knowledge_base_gives_a_short_quiz():
    state = new_quiz(QUESTIONS[:2], seed=1)
    assert state.total == 2 and question_at(QUESTIONS[:2], QuizState(1, 2, 0, 2)) is None
    assert question_at([], new_quiz([], seed=1)) is None


def test_answering_scores_and_moves_on_until_the_end():
    state = new_quiz(QUESTIONS, seed=5)
    for position in range(QUIZ_LENGTH):
        pick = "AWS" if position % 2 == 0 else "Customer"
        question, state = answer_quiz(QUESTIONS, state, pick)
        assert question is not None and state.position == position + 1
    assert state.score == 3  # positions 0, 2 and 4 picked the right owner
    assert answer_quiz(QUESTIONS, state, "AWS") == (None, state)  # over: nothing changes
