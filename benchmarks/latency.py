"""Latency of the matcher and the CLI: per-question p50/p99, index build, start-up, peak RSS.

Run: .venv/bin/python -m benchmarks.latency [--rounds N]
Prints figures; asserts nothing. Targets: p99 <= 1 ms per question, `srm ask` start to answer <= 1.5 s.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.evaluate import load_cases
from bot.knowledge.loader import load_knowledge
from bot.matching.matcher import Matcher
from bot.runtime.heap import gc_paused
from bot.settings import DEFAULT_KNOWLEDGE_DIR

ROOT = Path(__file__).resolve().parents[1]
SRM = str(Path(sys.executable).parent / "srm")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20, help="passes over the question set")
    parser.add_argument("--startups", type=int, default=5, help="`srm ask` processes to time")
    args = parser.parse_args()

    with gc_paused():  # as the bot loads a snapshot (bot.runtime.snapshot)
        started = time.perf_counter()
        knowledge = load_knowledge(DEFAULT_KNOWLEDGE_DIR)
        loaded = time.perf_counter()
        matcher = Matcher(knowledge)
        built = time.perf_counter()
    questions = [c.question for c in load_cases((ROOT / "tests" / "data" / "questions").glob("*.yaml"))]
    for q in questions:  # warm caches the way a running bot is warm
        matcher.match(q)
    timings: list[float] = []
    for _ in range(args.rounds):
        for q in questions:
            t0 = time.perf_counter_ns()
            matcher.match(q)
            timings.append((time.perf_counter_ns() - t0) / 1000)
    print(f"knowledge load: {(loaded - started) * 1000:.1f} ms; index build: {(built - loaded) * 1000:.1f} ms")
    print(
        f"per question over {len(timings)} matches: mean {statistics.mean(timings):.0f} us, "
        f"p50 {percentile(timings, 0.5):.0f} us, p99 {percentile(timings, 0.99):.0f} us, max {max(timings):.0f} us"
    )

    startup: list[float] = []
    for _ in range(args.startups):
        t0 = time.perf_counter()
        subprocess.run([SRM, "ask", "--json", "who patches RDS?"], check=True, capture_output=True)
        startup.append(time.perf_counter() - t0)
    child_rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    self_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"`srm ask` process start to answer: median {statistics.median(startup):.2f} s, max {max(startup):.2f} s "
        f"({args.startups} runs)"
    )
    print(f"peak RSS: `srm ask` process {child_rss_mb:.0f} MB; this benchmark process {self_rss_mb:.0f} MB")


if __name__ == "__main__":
    main()
