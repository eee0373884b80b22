"""Score any question -> answer function on a labelled question set (used by tests and benchmarks)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class Case:
    question: str
    expect_decline: bool
    service: str | None = None
    owner: str | None = None
    topic: str | None = None
    origin: str = ""


@dataclass(frozen=True)
class Verdict:
    """What a matcher said, reduced to what the question set checks."""

    status: str
    service: str | None
    owner: str | None


@dataclass
class Score:
    answerable: int = 0
    owner_right: int = 0
    service_right: int = 0
    off_topic: int = 0
    declined: int = 0
    failures: list[tuple[Case, Verdict]] = field(default_factory=list)

    @staticmethod
    def _rate(part: int, whole: int) -> float:
        return part / whole if whole else 1.0

    @property
    def owner_rate(self) -> float:
        return self._rate(self.owner_right, self.answerable)

    @property
    def service_rate(self) -> float:
        return self._rate(self.service_right, self.answerable)

    @property
    def decline_rate(self) -> float:
        return self._rate(self.declined, self.off_topic)


def load_cases(paths: Iterable[Path]) -> list[Case]:
    cases: list[Case] = []
    for path in sorted(paths):
        rows: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        for row in rows:
            decline = row.get("status") == "out_of_scope"
            cases.append(
                Case(str(row["q"]), decline, row.get("service"), row.get("owner"), row.get("topic"), path.name)
            )
    return cases


def score(cases: Iterable[Case], answer: Callable[[str], Verdict]) -> Score:
    """Owner and service count as right only when the question was answered (not declined/ambiguous)."""
    result = Score()
    for case in cases:
        verdict = answer(case.question)
        if case.expect_decline:
            result.off_topic += 1
            ok = verdict.status == "out_of_scope"
            result.declined += ok
        else:
            result.answerable += 1
            answered = verdict.status == "answered"
            service_ok = answered and verdict.service == case.service
            owner_ok = answered and verdict.owner == case.owner
            result.service_right += service_ok
            result.owner_right += owner_ok
            ok = service_ok and owner_ok
        if not ok:
            result.failures.append((case, verdict))
    return result
