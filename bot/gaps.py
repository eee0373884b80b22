"""The knowledge-gap report: what engineers asked that the bot could not answer well.

Recording (gap_record) decides what is kept; the report groups it for the people who keep knowledge/."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from bot.matching.answer import Answer
from bot.store import Feedback, QuestionRecord, question_hash
from bot.store.records import same_question_form

if TYPE_CHECKING:
    from bot.store.sql import SqlStore

SIMILAR = 80  # rapidfuzz token_set_ratio at which two questions are "the same question"
TOP = 10
COMMENTS = 3  # comments shown per not-helpful answer
_SINCE = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


class SinceError(ValueError):
    """--since is neither a duration (30m, 12h, 7d, 2w) nor a date (2026-11-01)."""


def parse_since(value: str, now: datetime) -> datetime:
    found = _SINCE.match(value)
    if found:
        return now - timedelta(**{_UNITS[found.group(2)]: int(found.group(1))})
    try:
        return datetime.fromisoformat(value.strip()).replace(tzinfo=None)
    except ValueError:
        raise SinceError(
            f"--since {value!r}: use a duration such as 30m, 12h, 7d, 2w, or a date such as 2026-11-01"
        ) from None


def is_gap(answer: Answer, threshold: float) -> bool:
    """Declined, unsure, or answered with low confidence; greetings and help requests are not gaps."""
    return answer.kind != "help" and (answer.status != "answered" or answer.confidence < threshold)


def gap_record(
    answer: Answer,
    *,
    surface: str,
    threshold: float,
    keep_text: bool,
    team: str | None = None,
    unknown_service: str | None = None,
) -> QuestionRecord | None:
    """What to store about a question: None when it was answered well. Text only when keep_text.
    `unknown_service`: the product a question names that the knowledge base lacks (Matcher.unknown_service)."""
    if not unknown_service and not is_gap(answer, threshold):
        return None
    return QuestionRecord(
        surface=surface,
        status=answer.status,
        kind=answer.kind,
        service=answer.service,
        topic=answer.topic,
        confidence=answer.confidence,
        text_hash=question_hash(answer.query),
        text=answer.query if keep_text else None,
        unknown_service=unknown_service,
        team=team,
    )


@dataclass
class QuestionGroup:
    example: str | None  # None when texts are not kept (SRM_STORE_QUESTIONS=false)
    count: int
    statuses: dict[str, int]
    services: dict[str, int]
    variants: list[str] = field(default_factory=list)


@dataclass
class FeedbackLine:
    service: str | None
    topic: str | None
    not_helpful: int
    helpful: int
    reasons: dict[str, int] = field(default_factory=dict)  # what was wrong, from the "Not helpful" form
    comments: list[str] = field(default_factory=list)  # the newest first, at most COMMENTS


@dataclass
class GapReport:
    since: datetime
    questions: int  # gap questions recorded in the window
    groups: list[QuestionGroup]
    missing_services: list[tuple[str, int]]
    not_helpful: list[FeedbackLine]


def build_report(store: SqlStore, since: datetime, top: int = TOP) -> GapReport:
    """The report over what `store` recorded since `since` (for `srm gaps` and `/srm gaps` alike)."""
    records, feedback = store.questions(since), store.feedback(since)
    missing = Counter(r.unknown_service for r in records if r.unknown_service)
    return GapReport(
        since=since,
        questions=len(records),
        groups=group_questions(records)[:top],
        missing_services=missing.most_common(top),
        not_helpful=_not_helpful(feedback)[:top],
    )


def group_questions(records: list[QuestionRecord]) -> list[QuestionGroup]:
    """Similar questions together (by text when kept, else by hash), biggest group first."""
    clusters: dict[str, list[QuestionRecord]] = {}  # the first question's compared form -> its group
    by_hash: dict[str, list[QuestionRecord]] = defaultdict(list)
    for record in records:
        if record.text is None:
            by_hash[record.text_hash].append(record)
            continue
        form = same_question_form(record.text)
        similar = next((first for first in clusters if fuzz.token_set_ratio(first, form) >= SIMILAR), form)
        clusters.setdefault(similar, []).append(record)
    groups = [_group(cluster) for cluster in [*clusters.values(), *by_hash.values()]]
    return sorted(groups, key=lambda g: (-g.count, g.example or ""))


def _group(records: list[QuestionRecord]) -> QuestionGroup:
    texts = list(dict.fromkeys(r.text for r in records if r.text))
    return QuestionGroup(
        example=texts[0] if texts else None,
        count=len(records),
        statuses=dict(Counter(r.status for r in records).most_common()),
        services=dict(Counter(r.service for r in records if r.service).most_common()),
        variants=texts[1:4],
    )


def _not_helpful(feedback: list[Feedback]) -> list[FeedbackLine]:
    votes: dict[tuple[str | None, str | None], list[int]] = defaultdict(lambda: [0, 0])
    reasons: dict[tuple[str | None, str | None], Counter[str]] = defaultdict(Counter)
    comments: dict[tuple[str | None, str | None], list[str]] = defaultdict(list)
    for click in feedback:
        key = (click.service, click.topic)
        votes[key][0 if not click.helpful else 1] += 1
        if click.reason:
            reasons[key][click.reason] += 1
        if click.comment:
            comments[key].insert(0, click.comment)
    lines = [
        FeedbackLine(s, t, bad, good, dict(reasons[(s, t)].most_common()), comments[(s, t)][:COMMENTS])
        for (s, t), (bad, good) in votes.items()
        if bad
    ]
    return sorted(lines, key=lambda line: (-line.not_helpful, line.helpful, line.service or "", line.topic or ""))
