"""Score any question -> answer function on a labelled question set (used by tests and benchmarks).

A wrong owner is counted apart from a missing one: an answer that states the wrong party misleads,
while a decline or a question back only fails to help.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

Part = Literal["development", "locked"]
LOCKED_SHARE = 3  # one row in three is locked


def part_of(row_id: str) -> Part:
    """The part a truth row belongs to, fixed by a hash of its id so nobody chooses it."""
    return "locked" if hashlib.sha256(row_id.encode()).digest()[0] % LOCKED_SHARE == 0 else "development"


def _part(row: dict[str, Any]) -> Part:
    """A row someone read before writing knowledge for it can no longer be locked."""
    return "development" if row.get("exposed") else part_of(str(row["id"]))


@dataclass(frozen=True)
class Case:
    question: str
    expect_decline: bool
    service: str | None = None
    owner: str | None = None
    topic: str | None = None
    origin: str = ""
    category: str | None = None
    compare: tuple[tuple[str, str], ...] = ()  # (service, owner) per side of a comparison
    id: str = ""
    kind: str = ""  # the row's class: plain, layer, side, headline, self_managed, party, comparison, ...


@dataclass(frozen=True)
class Verdict:
    """What a matcher said, reduced to what the question set checks."""

    status: str
    service: str | None
    owner: str | None
    category: str | None = None
    parts: tuple[tuple[str | None, str | None], ...] = ()  # (service, owner) of a comparison's answers


@dataclass
class Score:
    answerable: int = 0
    owner_right: int = 0
    owner_wrong: int = 0  # answered, with an owner, and not the expected one
    service_right: int = 0
    categorised: int = 0  # rows that state an expected category
    category_right: int = 0
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
    def wrong_owner_rate(self) -> float:
        return self._rate(self.owner_wrong, self.answerable) if self.answerable else 0.0

    @property
    def service_rate(self) -> float:
        return self._rate(self.service_right, self.answerable)

    @property
    def category_rate(self) -> float:
        return self._rate(self.category_right, self.categorised)

    @property
    def decline_rate(self) -> float:
        return self._rate(self.declined, self.off_topic)


def _case(row: dict[str, Any], origin: str) -> Case:
    compare = tuple(sorted((str(k), str(v)) for k, v in (row.get("compare") or {}).items()))
    return Case(
        str(row["q"]),
        row.get("status") == "out_of_scope",
        row.get("service"),
        row.get("owner"),
        row.get("topic"),
        origin,
        row.get("category"),
        compare,
        str(row.get("id", "")),
        str(row.get("class", "")),
    )


def load_cases(paths: Iterable[Path], part: Part | None = None) -> list[Case]:
    """Rows of the given files; with `part`, only the truth rows of that part (rows need an `id`)."""
    cases: list[Case] = []
    for path in sorted(paths):
        rows: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        for row in rows:
            if part is not None and _part(row) != part:
                continue
            cases.append(_case(row, path.name))
    return cases


def _judge(case: Case, verdict: Verdict) -> tuple[bool, bool, bool]:
    """(service right, owner right, owner wrong) for an answerable case."""
    if verdict.status != "answered":
        return False, False, False
    if case.compare:
        said = dict(verdict.parts)
        services_ok = all(service in said for service, _owner in case.compare)
        owners_ok = services_ok and all(said[service] == owner for service, owner in case.compare)
        wrong = any(said.get(service) not in (None, owner) for service, owner in case.compare)
        return services_ok, owners_ok, wrong
    service_ok = verdict.service == case.service
    owner_ok = verdict.owner == case.owner
    wrong = verdict.owner is not None and not owner_ok
    return service_ok, owner_ok, wrong


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
            service_ok, owner_ok, wrong = _judge(case, verdict)
            result.service_right += service_ok
            result.owner_right += owner_ok
            result.owner_wrong += wrong
            if case.category and not case.compare:
                result.categorised += 1
                result.category_right += verdict.status == "answered" and verdict.category == case.category
            ok = service_ok and owner_ok
        if not ok:
            result.failures.append((case, verdict))
    return result


def verdict_of(answer: Any) -> Verdict:
    """Reduce a matcher Answer to what the question sets check."""
    parts = tuple((p.service, p.owner) for p in answer.parts)
    return Verdict(answer.status, answer.service, answer.owner, answer.category, parts)
