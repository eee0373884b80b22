"""Accuracy on the question sets: srm's matcher vs a generic fuzzy-retrieval baseline.

Run: .venv/bin/python -m benchmarks.accuracy [QUESTION_FILES...]
Prints owner right, answered with a WRONG owner, service, category and off-topic declines for the truth
set's development and locked parts and the older sets, with failures for the parts one may tune on;
asserts nothing.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path

from rapidfuzz import fuzz, process

from benchmarks.evaluate import Case, Score, Verdict, load_cases, score, verdict_of
from bot.knowledge.loader import Knowledge, load_knowledge
from bot.matching.matcher import Matcher
from bot.settings import DEFAULT_KNOWLEDGE_DIR

ROOT = Path(__file__).resolve().parents[1]
BASELINE_CUTOFF = 60  # WRatio below this counts as "declined"


def baseline(knowledge: Knowledge):
    """Every phrasing we can generate (alias x topic phrase), matched by WRatio over the whole list."""
    phrasings: list[str] = []
    verdicts: list[Verdict] = []
    for service in knowledge.services.values():
        for alias in (service.name, *service.aliases):
            phrasings.append(alias)
            verdicts.append(Verdict("answered", service.key, None))
            for item in service.responsibilities:
                for phrase in knowledge.topics[item.topic].phrases:
                    phrasings.append(f"who {phrase} {alias}")
                    verdicts.append(Verdict("answered", service.key, item.owner, item.category))
    for concept in knowledge.concepts.values():
        for phrase in knowledge.topics[concept.topic].phrases:
            phrasings.append(f"who {phrase}")
            verdicts.append(Verdict("answered", None, concept.owner, concept.category))

    def answer(question: str) -> Verdict:
        found = process.extractOne(question.lower(), phrasings, scorer=fuzz.WRatio, score_cutoff=BASELINE_CUTOFF)
        return verdicts[found[2]] if found else Verdict("out_of_scope", None, None)

    return answer, len(phrasings)


TRUTH = sorted((ROOT / "tests" / "data" / "truth").glob("*.yaml"))


def question_sets() -> dict[str, tuple[list[Case], bool]]:
    """The truth set's two parts (expected owners from AWS pages, written blind) and the older sets.
    Failures of the locked part are never printed: it is scored, not tuned on."""
    return {
        "truth, development part (tests/data/truth)": (load_cases(TRUTH, "development"), True),
        "truth, LOCKED part (scored only, never tuned on)": (load_cases(TRUTH, "locked"), False),
        "older development set (tests/data/questions)": (
            load_cases((ROOT / "tests" / "data" / "questions").glob("*.yaml")),
            True,
        ),
        "older held-out set (tests/data/holdout)": (
            load_cases((ROOT / "tests" / "data" / "holdout").glob("*.yaml")),
            True,
        ),
    }


def main() -> None:
    knowledge = load_knowledge(DEFAULT_KNOWLEDGE_DIR)
    matcher = Matcher(knowledge)
    base_answer, size = baseline(knowledge)
    given = [Path(p) for p in sys.argv[1:]]
    sets = {"given files": (load_cases(given), True)} if given else question_sets()
    for name, (cases, show) in sets.items():
        print(f"== {name}")
        report(cases, matcher, base_answer, show)
    print(f"(baseline: generic fuzzy retrieval, rapidfuzz WRatio over {size} generated phrasings)")


def report(cases: list[Case], matcher: Matcher, base_answer: Callable[[str], Verdict], show: bool) -> None:
    @functools.cache  # the per-class lines score the same questions again
    def srm(question: str) -> Verdict:
        return verdict_of(matcher.match(question))

    ours = score(cases, srm)
    base = score(cases, base_answer)
    print(f"{len(cases)} questions ({ours.answerable} answerable, {ours.off_topic} off-topic)")
    print(f"{'metric':<28}{'srm matcher':>14}{'baseline':>12}")
    rows: list[tuple[str, float, float]] = [
        ("owner correct", ours.owner_rate, base.owner_rate),
        ("answered with a WRONG owner", ours.wrong_owner_rate, base.wrong_owner_rate),
        ("service correct", ours.service_rate, base.service_rate),
        (f"category correct (of {ours.categorised})", ours.category_rate, base.category_rate),
        ("off-topic declined", ours.decline_rate, base.decline_rate),
    ]
    for name, a, b in rows:
        print(f"{name:<28}{a:>13.1%}{b:>12.1%}")
    kinds = sorted({c.kind for c in cases if c.kind and not c.expect_decline})
    if kinds:
        print("by class: " + ", ".join(_class_line(kind, [c for c in cases if c.kind == kind], srm) for kind in kinds))
    if show:
        _print_failures(ours)


def _class_line(kind: str, cases: list[Case], answer: Callable[[str], Verdict]) -> str:
    result = score(cases, answer)
    return f"{kind} {result.owner_rate:.0%} ({result.owner_wrong} wrong of {result.answerable})"


def _print_failures(result: Score, limit: int = 60) -> None:
    if result.failures:
        print(f"\nsrm misses ({len(result.failures)}):")
        for case, verdict in result.failures[:limit]:
            expected = dict(case.compare) if case.compare else f"{case.service}/{case.owner}"
            got = dict(verdict.parts) if verdict.parts else f"{verdict.service}/{verdict.owner}"
            print(
                f"  {case.id or case.origin}: {case.question!r} expected {expected}"
                f"{' (decline)' if case.expect_decline else ''} got {verdict.status} {got}"
            )


if __name__ == "__main__":
    main()
