"""Answers sized for chat, over signed HTTP: short before "Details", the long form in a modal."""

from __future__ import annotations

import json
import re

from bot.render import blocks as ui
from tests.support.signed import action_body, command_body, event_body, mention_event, post

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
LAPTOP_LINE = 95  # characters of a Slack message line on a laptop-sized window


def shown_lines(blocks: list[dict]) -> int:
    """Lines a message takes on screen: text wrapped at LAPTOP_LINE, one line per context or button row."""
    lines = 0
    for block in blocks:
        if block["type"] == "section":
            lines += sum(-(-len(line) // LAPTOP_LINE) or 1 for line in block["text"]["text"].split("\n"))
        elif block["type"] in ("context", "actions", "header"):
            lines += 1
    return lines


def visible(text: str) -> str:
    """mrkdwn links as their labels, as Slack shows them."""
    return re.sub(r"<[^|>]+\|([^>]+)>", r"\1", text)


def button(blocks: list[dict], action_id: str) -> dict:
    return next(e for b in blocks if b["type"] == "actions" for e in b["elements"] if e["action_id"] == action_id)


def test_rds_patching_answer_fits_in_about_eight_lines(bot, slack):
    post(bot.events_url, event_body(mention_event("who patches RDS?", "700.1"), "EvChat1"), JSON)
    [call] = slack.wait_for("chat.postMessage")
    blocks = call.args["blocks"]
    first = visible(blocks[0]["text"]["text"])
    assert first.splitlines()[0].endswith("*Database engine patching and upgrades* on *Amazon RDS*: AWS owns it "
                                          "(control category: Shared).")  # fmt: skip
    assert "*AWS does:*" in first and "*You do:*" in first
    assert "Extended Support" not in json.dumps(blocks)  # the dated billing note waits behind Details
    assert "changed 2024-02-29" in visible(blocks[1]["elements"][0]["text"])
    assert shown_lines([b for b in blocks if b.get("block_id") != "feedback"]) <= 8
    # notifications and screen readers get service, duty and owner
    assert call.args["text"] == "Amazon RDS · Database engine patching and upgrades: AWS (Shared)"
    assert button(blocks, ui.DETAILS)["text"]["text"] == "Details"


def test_details_opens_the_long_form_in_a_modal(bot, slack):
    value = json.dumps({"q": "who patches RDS?"})
    assert post(bot.events_url, action_body(ui.DETAILS, value, response_url=slack.response_url()), FORM).status == 200
    [call] = slack.wait_for("views.open")
    view = call.args["view"]
    assert call.args["trigger_id"] == "1.2.3" and view["type"] == "modal"
    assert view["title"]["text"] == "Amazon RDS"
    text = json.dumps(view["blocks"])
    assert "Extended Support" in text and "RDS.13" in text and "extended-support.html" in text


def test_service_overview_then_full_summary(bot, slack):
    reply = post(bot.events_url, command_body("s3"), FORM).json()
    assert shown_lines(reply["blocks"]) <= 12
    assert reply["text"] == "Amazon S3: who owns what (overview)"
    full = button(reply["blocks"], ui.DETAILS)
    post(bot.events_url, action_body(ui.DETAILS, full["value"], response_url=slack.response_url()), FORM)
    [call] = slack.wait_for("views.open")
    assert "Common misconfigurations" in json.dumps(call.args["view"]["blocks"])
    slack.clear()
    section = next(
        e for b in reply["blocks"] if b["type"] == "actions" for e in b["elements"] if e["text"]["text"] == "You do"
    )
    post(bot.events_url, action_body(ui.DETAILS, section["value"], response_url=slack.response_url()), FORM)
    [call] = slack.wait_for("views.open")
    shown = json.dumps(call.args["view"]["blocks"])
    assert "Amazon S3: You do" in shown and "Common misconfigurations" not in shown and "*AWS does*" not in shown


def test_comparison_keeps_both_services_short(bot):
    reply = post(bot.events_url, command_body("rds vs ec2 patching"), FORM).json()
    text = json.dumps(reply["blocks"])
    assert "*Amazon RDS*: AWS owns it" in text and "*Amazon EC2*: Customer - you own it" in text
    assert "Extended Support" not in text


def test_slash_matrix_shows_owner_per_service_and_sources(bot):
    reply = post(bot.events_url, command_body("matrix s3 rds lambda"), FORM).json()
    text = json.dumps(reply["blocks"], ensure_ascii=False)
    assert reply["text"] == "Who owns what: Amazon S3, Amazon RDS, AWS Lambda"
    assert "*Database engine patching and upgrades*: Amazon S3 - · Amazon RDS :large_orange_diamond: AWS" in text
    assert "sources <https://docs.aws.amazon.com/" in text
    too_many = post(bot.events_url, command_body("matrix " + " ".join(["s3"] * 7)), FORM).json()
    assert "1 to 6 services" in json.dumps(too_many["blocks"])
