"""The matcher: contract questions, behaviours, and accuracy on the labelled question set."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import pytest
import yaml

from benchmarks import evaluate
from benchmarks.evaluate import Verdict, load_cases, part_of, score
from tests.conftest import DATA

QUESTION_FILES = sorted((DATA / "questions").glob("*.yaml"))
TRUTH_FILES = sorted((DATA / "truth").glob("*.yaml"))


def verdict_of(matcher, question: str) -> Verdict:
    return evaluate.verdict_of(matcher.match(question))


def test_guest_os_on_ec2_is_customer(matcher):
    answer = matcher.match("who patches the guest OS on EC2")
    assert (answer.status, answer.service, answer.owner, answer.category) == ("answered", "ec2", "Customer", "Shared")
    assert answer.sources and answer.tools


def test_hypervisor_patching_on_ec2_is_aws(matcher):
    answer = matcher.match("who patches the hypervisor on ec2?")
    assert (answer.service, answer.owner, answer.category) == ("ec2", "AWS", "Inherited")


@pytest.mark.parametrize(
    "question", ["who pacthes ec2?", "who patchs the EC2 instances", "who is responsible for updating my vm"]
)
def test_typos_and_aliases(matcher, question):
    answer = matcher.match(question)
    assert (answer.status, answer.service, answer.owner) == ("answered", "ec2", "Customer")


def test_service_without_duty_gives_summary(matcher):
    answer = matcher.match("tell me about ec2")
    assert (answer.status, answer.kind, answer.service, answer.owner, answer.category) == (
        "answered",
        "summary",
        "ec2",
        None,
        None,
    )
    assert answer.sources


def test_duty_without_service_gives_model_wide_entry(matcher):
    answer = matcher.match("who is responsible for physical security?")
    assert (answer.status, answer.kind, answer.service, answer.owner) == ("answered", "concept", None, "AWS")
    assert answer.category == "Inherited"


@pytest.mark.parametrize("greeting", ["hi", "thanks!", "hello there", "thank you"])
def test_greetings_get_help_not_a_fact(matcher, greeting):
    answer = matcher.match(greeting)
    assert (answer.status, answer.kind, answer.owner) == ("out_of_scope", "help", None)
    assert "who patches RDS" in (answer.message or "")


@pytest.mark.parametrize(
    "question",
    [
        "what's for lunch",
        "how much does S3 cost",
        "deploy the frontend",
        "who patches azure vms",
        "who scored in the soccer match on sunday?",  # "match" is no typo of "patch" in such company
        "explain in simple terms what a nitro card is",
        "how long does it take to pass the security specialty exam?",
    ],
)
def test_off_topic_is_declined(matcher, question):
    answer = matcher.match(question)
    assert (answer.status, answer.kind, answer.owner) == ("out_of_scope", "decline", None)
    assert answer.message


def test_long_question_is_cut_with_a_note(matcher):
    answer = matcher.match("who patches the guest os on ec2 " + "please " * 400)
    assert answer.truncated and answer.owner == "Customer"
    assert "1,000 characters" in (answer.message or "")


def test_slack_markup_is_ignored(matcher):
    answer = matcher.match("<@U123ABC> <!channel> who patches the guest os on <https://aws.amazon.com/ec2|ec2>?")
    assert (answer.service, answer.owner) == ("ec2", "Customer")


def test_suggestions_are_capped_at_three(matcher):
    for question in ("who manages the control plane", "ec2 imdsv2 who configures", "who encrypts ec2 volumes"):
        assert len(matcher.match(question).suggestions) <= 3


def test_question_set_is_large_enough():
    cases = load_cases(QUESTION_FILES)
    assert len(cases) >= 200
    assert sum(c.expect_decline for c in cases) >= 30


def _figures(matcher, cases):
    result = score(cases, lambda q: verdict_of(matcher, q))
    failures = "\n".join(f"{c.origin}: {c.question!r} -> {v}" for c, v in result.failures)
    return result, failures


# Regression floors a little under the figures measured in session 8 (README, "Accuracy"); the goals
# are higher and are tracked by benchmarks/accuracy.py, not here.
def test_question_set_accuracy(matcher):
    result, failures = _figures(matcher, load_cases(QUESTION_FILES))
    assert result.owner_rate >= 0.87 and result.wrong_owner_rate <= 0.07, failures
    assert result.service_rate >= 0.94 and result.decline_rate >= 0.95, failures


def test_held_out_set_stays_accurate(matcher):
    result, failures = _figures(matcher, load_cases((DATA / "holdout").glob("*.yaml")))
    assert result.owner_rate >= 0.84 and result.wrong_owner_rate <= 0.09, failures
    assert result.service_rate >= 0.93 and result.decline_rate >= 0.95, failures


def test_truth_development_part_accuracy(matcher):
    """The development part only: the locked part is scored by the benchmark and never tuned on."""
    result, failures = _figures(matcher, load_cases(TRUTH_FILES, "development"))
    assert result.owner_rate >= 0.86 and result.wrong_owner_rate <= 0.06, failures
    assert result.service_rate >= 0.90 and result.decline_rate >= 0.85, failures


def test_truth_set_is_written_as_the_issue_asks():
    rows = [row for path in TRUTH_FILES for row in yaml.safe_load(path.read_text())]
    ids = [row["id"] for row in rows]
    assert len(rows) >= 1000 and len(set(ids)) == len(ids)
    answerable = [row for row in rows if row.get("status") != "out_of_scope"]
    assert all(str(row.get("url", "")).startswith("https://") for row in answerable)
    pairs = Counter(row["pair"] for row in rows if row.get("pair"))
    assert sum(1 for n in pairs.values() if n == 2) >= 200
    classes = {row.get("class") for row in rows}
    assert {"layer", "side", "headline", "self_managed", "party", "comparison", "label"} <= classes
    parts = Counter(part_of(row_id) for row_id in ids)
    assert 0.25 <= parts["locked"] / len(ids) <= 0.42


def test_question_set_labels_exist(knowledge):
    for case in load_cases(QUESTION_FILES):
        if case.service:
            assert case.service in knowledge.services, case
        if case.topic:
            assert case.topic in knowledge.topics, case


def test_matching_and_rendering_never_import_slack():
    root = Path(__file__).resolve().parents[2] / "bot"
    for package in ("matching", "knowledge", "render"):
        for path in (root / package).glob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
                if isinstance(node, ast.ImportFrom):
                    names = [node.module or ""]
                assert not any(n.startswith(("slack", "slack_bolt", "slack_sdk")) for n in names), path


def test_a_cue_of_several_words_counts_only_where_they_stand_together(matcher):
    """ "for me" is a cue; "for an s3 bucket ... me" is not, so a request to write code is not a question."""
    reading = matcher.read("write a module for an s3 bucket, send it to me")
    assert not reading.has_cue
    assert matcher.read("who patches rds for me?").has_cue
