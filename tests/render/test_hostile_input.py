"""Hostile input: generated questions never crash the matcher or renderers, and replies stay in Block Kit limits."""

from __future__ import annotations

import functools
import itertools
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.render import blocks as ui
from bot.render import home
from bot.render.summaries import answer_to_dict
from bot.render.text import render_answer
from bot.runtime.snapshot import Snapshot
from bot.slash import srm_command
from tests.conftest import KNOWLEDGE_DIR

SLACK_TOKENS = ["<!channel>", "<!here>", "<!everyone>", "<@U0123ABC>", "<#C0123|general>", "<https://evil.example|click>",
                "```code```", "&amp;", "\u202e", "\u200f", "😀", "\x00", "\x1b[31m"]  # fmt: skip
WORDS = [
    "who",
    "patches",
    "rds",
    "s3",
    "encrypt",
    "ec2",
    "guest",
    "os",
    "aws",
    "customer",
    "?",
    "lambda",
    "compare",
    "list",
    "quiz",
    "help",
    "kms",
    "keys",
    "iam",
    "vs",
    "or",
    ":",
    "-",
    ",",
    "versus",
    "fargate",
    "both",
    "whose",
    "our",
    "own",
    "instead",
    "of",
]  # fmt: skip  (comparison and side words exercise the splitting)

questions = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(WORDS + SLACK_TOKENS), max_size=40).map(" ".join),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=900, max_size=3000),
)


def assert_within_limits(blocks: list[dict], limit: int = ui.MESSAGE_BLOCK_LIMIT) -> None:
    assert len(blocks) <= limit
    for block in blocks:
        text = block.get("text", {}).get("text", "")
        if block["type"] == "header":
            assert len(text) <= ui.HEADER_LIMIT
        else:
            assert len(text) <= ui.SECTION_LIMIT
        for field in block.get("fields", []):
            assert len(field["text"]) <= 2000
        for element in block.get("elements", []):
            assert len(element.get("value", "")) <= ui.VALUE_LIMIT
            label = element.get("text", "")
            assert len(label if isinstance(label, str) else label["text"]) <= 3000


def displayed(blocks: list[dict]) -> str:
    """Everything Slack renders; button values are data sent back to us, never shown."""
    return json.dumps([{k: v for k, v in b.items() if k != "elements"} for b in blocks]) + json.dumps(
        [{k: v for k, v in e.items() if k != "value"} for b in blocks for e in b.get("elements", [])]
    )


def assert_no_live_mentions(blocks: list[dict]) -> None:
    rendered = displayed(blocks)
    for token in ("<!channel>", "<!here>", "<!everyone>", "<@U0123ABC>", "<#C0123"):
        assert token not in rendered


@functools.cache
def snapshot() -> Snapshot:
    """One snapshot for all examples; hypothesis examples take no fixtures (they would be printed)."""
    return Snapshot.load(KNOWLEDGE_DIR)


@settings(max_examples=6000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(question=questions)
def test_matcher_and_renderers_survive_anything(question):
    knowledge = snapshot().knowledge
    answer = snapshot().matcher.match(question)
    assert answer.status in ("answered", "ambiguous", "out_of_scope")
    assert len(answer.query) <= 1000
    json.dumps(answer_to_dict(knowledge, answer))
    render_answer(knowledge, answer)
    blocks = ui.build_answer_blocks(knowledge, answer, share=True)
    assert_within_limits(blocks)
    assert_no_live_mentions(blocks)


@settings(max_examples=4000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text=questions)
def test_slash_command_survives_anything(text):
    reply = srm_command(snapshot(), text)
    assert_within_limits(reply.blocks)
    assert_no_live_mentions(reply.blocks)
    assert "<!" not in reply.text


def test_every_service_summary_and_the_home_view_fit(knowledge):
    for service in knowledge.services.values():
        assert_within_limits(ui.build_service_blocks(knowledge, service))
        assert_within_limits(home.build_home_view(knowledge, service)["blocks"], home.HOME_BLOCK_LIMIT)
    services = list(knowledge.services.values())
    for left, right in itertools.pairwise(services):
        assert_within_limits(ui.build_compare_blocks(knowledge, left, right))


def test_channel_mention_is_escaped_in_every_builder(knowledge, matcher):
    hostile = "<!channel> who patches <!here> ec2 <@U0123ABC>?"
    answer = matcher.match(hostile)
    assert_no_live_mentions(ui.build_answer_blocks(knowledge, answer, share=True))
    assert_no_live_mentions(ui.build_suggestion_blocks(hostile, answer.suggestions))
    assert_no_live_mentions(ui.build_unknown_service_blocks(hostile, []))
    assert ui.escape(hostile) == "&lt;!channel&gt; who patches &lt;!here&gt; ec2 &lt;@U0123ABC&gt;?"
