"""Accuracy on the labelled question set: srm's matcher vs a plain rapidfuzz WRatio baseline.

Run: .venv/bin/python benchmarks/accuracy.py [QUESTION_FILES...]
Prints owner / service / off-topic-declined rates side by side; asserts nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.knowledge.loader import Knowledge, load_knowledge
from bot.matching.evaluate import Case, Score, Verdict, load_cases, score
from bot.matching.matcher import Matcher

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
                    verdicts.append(Verdict("answered", service.key, item.owner))
    for concept in knowledge.concepts.values():
        for phrase in knowledge.topics[concept.topic].phrases:
            phrasings.append(f"who {phrase}")
            verdicts.append(Verdict("answered", None, concept.owner))

    def answer(question: str) -> Verdict:
        found = process.extractOne(question.lower(), phrasings, scorer=fuzz.WRatio, score_cutoff=BASELINE_CUTOFF)
        return verdicts[found[2]] if found else Verdict("out_of_scope", None, None)

    return answer, len(phrasings)


QUESTION_SETS = {
    "development set (tests/data/questions)": sorted((ROOT / "tests" / "data" / "questions").glob("*.yaml")),
    "held-out set (tests/data/holdout, written blind)": sorted((ROOT / "tests" / "data" / "holdout").glob("*.yaml")),
}


def main() -> None:
    knowledge = load_knowledge()
    matcher = Matcher(knowledge)
    base_answer, size = baseline(knowledge)
    sets = {"given files": [Path(p) for p in sys.argv[1:]]} if sys.argv[1:] else QUESTION_SETS
    for name, files in sets.items():
        print(f"== {name}")
        report(load_cases(files), matcher, base_answer)
    print(f"(baseline scans {size} phrasings per question)")


def report(cases: list[Case], matcher: Matcher, base_answer: Callable[[str], Verdict]) -> None:
    def srm(question: str) -> Verdict:
        a = matcher.match(question)
        return Verdict(a.status, a.service, a.owner)

    ours = score(cases, srm)
    base = score(cases, base_answer)
    print(f"{len(cases)} questions ({ours.answerable} answerable, {ours.off_topic} off-topic)")
    print(f"{'metric':<22}{'srm matcher':>14}{'WRatio baseline':>18}")
    rows: list[tuple[str, float, float]] = [
        ("owner correct", ours.owner_rate, base.owner_rate),
        ("service correct", ours.service_rate, base.service_rate),
        ("off-topic declined", ours.decline_rate, base.decline_rate),
    ]
    for name, a, b in rows:
        print(f"{name:<22}{a:>13.1%}{b:>18.1%}")
    _print_failures(ours)


def _print_failures(result: Score, limit: int = 40) -> None:
    if result.failures:
        print(f"\nsrm misses ({len(result.failures)}):")
        for case, verdict in result.failures[:limit]:
            print(
                f"  {case.origin}: {case.question!r} expected {case.service}/{case.owner}"
                f"{' (decline)' if case.expect_decline else ''} got {verdict.status} {verdict.service}/{verdict.owner}"
            )


if __name__ == "__main__":
    main()
