"""The knowledge-gap report: what is kept about a badly answered question, and how the report groups it."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.gaps import SinceError, build_report, gap_record, group_questions, is_gap, parse_since
from bot.matching.answer import Answer
from bot.store import Feedback, QuestionRecord, question_hash
from bot.store.sql import open_store

NOW = datetime(2026, 12, 4, 12, 0)


def record(text: str | None, status: str = "out_of_scope", service: str | None = None, **extra) -> QuestionRecord:
    return QuestionRecord(surface="slash", status=status, kind="decline", service=service, topic=None,
                          confidence=0.0, text_hash=question_hash(text or "hidden"), text=text, **extra)  # fmt: skip


@pytest.mark.parametrize(
    ("value", "since"),
    [("30m", datetime(2026, 12, 4, 11, 30)), (" 12h ", datetime(2026, 12, 4, 0, 0)),
     ("7d", datetime(2026, 11, 27, 12, 0)), ("2w", datetime(2026, 11, 20, 12, 0)),
     ("2026-11-01", datetime(2026, 11, 1)), ("2026-11-01T08:00:00+00:00", datetime(2026, 11, 1, 8, 0))],
)  # fmt: skip
def test_parse_since(value, since):
    assert parse_since(value, NOW) == since


@pytest.mark.parametrize("value", ["yesterday", "7", "7y", "-1d", ""])
def test_a_window_that_is_neither_a_duration_nor_a_date_is_refused(value):
    with pytest.raises(SinceError, match="use a duration such as 30m"):
        parse_since(value, NOW)


@pytest.mark.parametrize(
    ("answer", "gap"),
    [
        (Answer("hi", "answered", "help", confidence=1.0), False),
        (Answer("who patches rds", "answered", "item", confidence=0.95), False),
        (Answer("who patches rds", "answered", "item", confidence=0.5), True),
        (Answer("rds thing", "ambiguous", "item"), True),
        (Answer("weather", "out_of_scope", "decline"), True),
    ],
)
def test_is_gap(answer, gap):
    assert is_gap(answer, threshold=0.8) is gap


def test_a_well_answered_question_is_not_recorded():
    answer = Answer("who patches rds", "answered", "item", service="rds", confidence=0.95)
    assert gap_record(answer, surface="slash", threshold=0.8, keep_text=True) is None


def test_a_gap_keeps_a_hash_and_the_text_only_when_allowed():
    answer = Answer("What's the weather?", "out_of_scope", "decline")
    hidden = gap_record(answer, surface="dm", threshold=0.8, keep_text=False, team="T1")
    assert hidden.text is None and hidden.text_hash == question_hash("what's the weather?")
    assert (hidden.surface, hidden.status, hidden.team) == ("dm", "out_of_scope", "T1")
    kept = gap_record(answer, surface="dm", threshold=0.8, keep_text=True)
    assert kept.text == "What's the weather?"


def test_a_service_the_knowledge_lacks_is_recorded_even_when_answered_well():
    answer = Answer("who patches quicksight", "answered", "concept", confidence=0.9)
    kept = gap_record(answer, surface="slash", threshold=0.8, keep_text=False, unknown_service="quicksight")
    assert kept is not None and kept.unknown_service == "quicksight"


def test_similar_questions_are_grouped_biggest_first():
    groups = group_questions([
        record("who patches quicksight?", status="ambiguous", service="quicksight"),
        record("What is the weather in Paris?"), record("what is the weather in paris"),
        record("What's the weather in Paris?"), record(None), record(None),
    ])  # fmt: skip
    assert [g.count for g in groups] == [3, 2, 1]
    weather = groups[0]
    assert weather.example == "What is the weather in Paris?" and weather.statuses == {"out_of_scope": 3}
    assert weather.variants == ["what is the weather in paris", "What's the weather in Paris?"]
    assert groups[1].example is None  # texts not kept: grouped by hash
    assert groups[2].services == {"quicksight": 1}


def test_the_report_reads_the_window_from_the_store():
    store = open_store("sqlite://")
    store.record_questions([
        record("what is the weather in paris", asked_at=datetime(2026, 12, 1)),
        record("tell me a joke", asked_at=datetime(2026, 11, 1)),  # before the window
        record("who patches quicksight", unknown_service="quicksight", asked_at=datetime(2026, 12, 2)),
    ])  # fmt: skip
    store.record_feedback(Feedback("U1", "rds", "patching", helpful=False))
    store.record_feedback(Feedback("U2", "rds", "patching", helpful=True))
    store.record_feedback(Feedback("U3", "s3", "encryption", helpful=True))
    report = build_report(store, since=datetime(2026, 11, 27))
    assert report.questions == 2 and report.since == datetime(2026, 11, 27)
    assert {g.example for g in report.groups} == {"what is the weather in paris", "who patches quicksight"}
    assert report.missing_services == [("quicksight", 1)]
    [line] = report.not_helpful  # only duties someone found not helpful
    assert (line.service, line.topic, line.not_helpful, line.helpful) == ("rds", "patching", 1, 1)
