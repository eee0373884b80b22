"""What the store keeps, as plain dataclasses (no database import, so the request path stays light)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime


class StoreError(Exception):
    """The database cannot be opened or migrated: one line naming the URL (without its password)."""


class StoreUnavailable(StoreError):
    """The database did not answer in time or refused a write: the request is refused (503) for Slack
    to re-deliver, rather than acked and lost."""


@dataclass(frozen=True)
class Feedback:
    user_id: str
    service: str | None
    topic: str | None
    helpful: bool
    team: str | None = None
    reason: str | None = None  # for "Not helpful": owner, service, missing, other
    comment: str | None = None


@dataclass(frozen=True)
class QuestionRecord:
    surface: str
    status: str
    kind: str
    service: str | None
    topic: str | None
    confidence: float
    text_hash: str
    text: str | None = None
    unknown_service: str | None = None
    team: str | None = None
    asked_at: datetime | None = None


@dataclass(frozen=True)
class QuizScore:
    user_id: str
    score: int
    total: int
    team: str | None = None


def utc_now() -> datetime:
    """Naive UTC, stored the same way by every database."""
    return datetime.now(UTC).replace(tzinfo=None)


def same_question_form(text: str) -> str:
    """Lower case, single spaces: the form in which two askings of a question are compared."""
    return " ".join(text.lower().split())


def question_hash(text: str) -> str:
    """Groups repeats of a question without keeping it; short questions can be guessed from it."""
    return hashlib.sha256(same_question_form(text).encode()).hexdigest()
