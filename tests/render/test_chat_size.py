"""Answers fit a chat window: what shows before "Details" stays within about 8 lines on a laptop."""

from __future__ import annotations

import re

import pytest
import yaml

from bot.render import blocks as ui
from tests.conftest import DATA

LAPTOP_LINE = 95  # characters of a Slack message line in a laptop-sized window
MAX_LINES = 8
ROW_BLOCKS = ("feedback", "overview", "details")  # button rows, not text


def shown_lines(blocks: list[dict]) -> int:
    """Lines of text a message shows: sections wrapped at LAPTOP_LINE (links as their labels), one per
    context line; button rows and the did-you-mean offer of a low-confidence answer are not counted."""
    lines = 0
    for block in blocks:
        if block["type"] == "section" and "fields" in block:
            lines += max(len(field["text"].split("\n")) for field in block["fields"])  # side by side
        elif block["type"] == "section" and "Did you mean" not in block["text"]["text"]:
            text = re.sub(r"<[^|>]+\|([^>]+)>", r"\1", block["text"]["text"])
            lines += sum(-(-len(line) // LAPTOP_LINE) or 1 for line in text.split("\n"))
        elif block["type"] in ("context", "header"):
            lines += 1
    return lines


@pytest.fixture(scope="module")
def questions() -> list[str]:
    rows = [row for path in sorted(DATA.glob("*/*.yaml")) for row in yaml.safe_load(path.read_text()) or []]
    return [row["q"] for row in rows if isinstance(row, dict) and "q" in row]


def test_every_duty_answer_fits_before_details(knowledge, matcher, questions):
    sizes = {}
    for question in questions:
        answer = matcher.match(question)
        if answer.status == "answered" and answer.kind in ("item", "concept"):
            sizes[question] = shown_lines(ui.build_answer_blocks(knowledge, answer))
    assert len(sizes) > 1500  # the question sets really were read
    too_long = {q: n for q, n in sizes.items() if n > MAX_LINES}
    assert not too_long, too_long


def test_every_service_overview_is_short_and_the_full_summary_is_one_click_away(knowledge):
    for service in knowledge.services.values():
        blocks = ui.build_service_overview_blocks(knowledge, service, share="s")
        assert shown_lines(blocks) <= 12, service.key
        [row] = [b for b in blocks if b.get("block_id") == "overview"]
        assert row["elements"][0]["action_id"] == ui.DETAILS
