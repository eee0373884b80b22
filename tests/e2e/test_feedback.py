"""Feedback over signed HTTP: a vote updates the answer in place; "Not helpful" asks what was wrong,
and the reason and comment reach `srm gaps` and `/srm gaps`."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlencode

import pytest

from bot.render import blocks as ui
from bot.store.sql import open_store
from tests.e2e.conftest import RunningBot, start_bot
from tests.support.fake_slack import FakeSlack, settle
from tests.support.signed import action_body, command_body, event_body, mention_event, post

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
ADMIN = "UADMIN1"
EVER = datetime(2000, 1, 1)


@pytest.fixture
def feedback_bot(slack: FakeSlack, tmp_path: Path) -> Iterator[tuple[RunningBot, str]]:
    url = f"sqlite:///{tmp_path}/feedback.sqlite3"
    running, server = start_bot(slack, open_store(url), admins=frozenset({ADMIN}))
    yield running, url
    server.should_exit = True


def button(blocks: list[dict], action_id: str) -> dict:
    return next(e for b in blocks if b["type"] == "actions" for e in b["elements"] if e["action_id"] == action_id)


def click(bot: RunningBot, element: dict, **payload_changes: object) -> int:
    """A signed block_actions request for `element`, the payload adjusted as Slack would send it."""
    body = action_body(element["action_id"], element["value"], response_url=payload_changes.pop("response_url", None))
    payload = json.loads(parse_qs(body)["payload"][0]) | payload_changes
    return post(bot.events_url, urlencode({"payload": json.dumps(payload)}), FORM).status


def submit(bot: RunningBot, view: dict, reason: str | None, comment: str | None, kind: str = "view_submission") -> int:
    values = {"reason": {"reason": {"type": "radio_buttons",
                                    "selected_option": {"value": reason} if reason else None}},
              "comment": {"comment": {"type": "plain_text_input", "value": comment}}}  # fmt: skip
    payload = {"type": kind, "team": {"id": "T0001"}, "user": {"id": "U0001", "team_id": "T0001"},
               "api_app_id": "A0001", "token": "legacy", "trigger_id": f"4.5.{uuid.uuid4().hex}",  # one per request
               "view": {**view, "id": "V0001", "state": {"values": values}}}  # fmt: skip
    return post(bot.events_url, urlencode({"payload": json.dumps(payload)}), FORM).status


def test_helpful_vote_replaces_the_buttons_of_a_thread_answer(feedback_bot, slack):
    bot, _url = feedback_bot
    post(bot.events_url, event_body(mention_event("who patches RDS?", "800.1"), "EvVote1"), JSON)
    [answer] = slack.wait_for("chat.postMessage")
    blocks = answer.args["blocks"]
    message = {"type": "message", "ts": "800.2", "blocks": blocks, "text": answer.args["text"]}
    container = {"type": "message", "channel_id": "C0001", "message_ts": "800.2", "is_ephemeral": False}
    assert click(bot, button(blocks, ui.FEEDBACK_HELPFUL), message=message, container=container,
                 response_url=slack.response_url()) == 200  # fmt: skip
    [update] = slack.wait_for("chat.update")
    assert (update.args["channel"], update.args["ts"]) == ("C0001", "800.2")
    updated = json.dumps(update.args["blocks"])
    assert "glad it helped" in updated and ui.DETAILS in updated
    assert ui.FEEDBACK_HELPFUL not in updated and ui.FEEDBACK_NOT_HELPFUL not in updated
    assert "Database engine patching" in updated  # the answer stays; only the buttons went
    assert slack.recorded("chat.postMessage") == [answer]  # updated, not posted again
    [vote] = bot.runtime.store.feedback(since=EVER)
    assert (vote.service, vote.topic, vote.helpful, vote.reason) == ("rds", "engine_patching", True, None)


def test_not_helpful_asks_what_was_wrong_and_the_answer_reaches_the_gap_reports(feedback_bot, slack, srm):
    bot, url = feedback_bot
    reply = post(bot.events_url, command_body("who patches RDS?"), FORM).json()
    container = {"type": "message", "channel_id": "C0001", "message_ts": "900.1", "is_ephemeral": True}
    assert click(bot, button(reply["blocks"], ui.FEEDBACK_NOT_HELPFUL), container=container,
                 response_url=slack.response_url("answer")) == 200  # fmt: skip
    [opened] = slack.wait_for("views.open")
    view = opened.args["view"]
    assert view["callback_id"] == ui.FEEDBACK_FORM and view["notify_on_close"] is True
    assert bot.runtime.store.feedback(since=EVER) == []  # counted when the form is sent or closed
    assert submit(bot, view, "owner", "<!channel> it is Shared, we pick the window") == 200
    [thanks] = slack.wait_for("response_url")
    assert thanks.args["replace_original"] is True and "noted" in json.dumps(thanks.args["blocks"])
    assert ui.FEEDBACK_NOT_HELPFUL not in json.dumps(thanks.args["blocks"])
    assert settle(lambda: len(bot.runtime.store.feedback(since=EVER)) == 1, timeout=10)
    [vote] = bot.runtime.store.feedback(since=EVER)
    assert (vote.service, vote.helpful, vote.reason) == ("rds", False, "owner")

    gaps_json = srm("gaps", "--json", env={"SRM_DATABASE_URL": url})
    assert gaps_json.returncode == 0, gaps_json.stderr
    report = json.loads(gaps_json.stdout)["not_helpful"]
    comment = "<!channel> it is Shared, we pick the window"
    assert report == [{"service": "rds", "topic": "engine_patching", "not_helpful": 1, "helpful": 0,
                       "reasons": {"owner": 1}, "comments": [comment]}]  # fmt: skip
    assert (
        "rds / engine_patching: 1 not helpful, 0 helpful (wrong: owner 1)"
        in srm("gaps", env={"SRM_DATABASE_URL": url}).stdout
    )

    slack.clear()
    admin = command_body("gaps", response_url=slack.response_url("gaps")).replace("U0001", ADMIN)
    post(bot.events_url, admin, FORM)
    [gaps] = slack.wait_for("response_url")
    text = json.dumps(gaps.args["blocks"])
    assert "(wrong: owner 1)" in text and "&lt;!channel&gt; it is Shared" in text and "<!channel>" not in text


def test_closing_the_form_still_counts_the_vote_and_a_forged_reason_is_other(feedback_bot, slack):
    bot, _url = feedback_bot
    reply = post(bot.events_url, command_body("who patches RDS?"), FORM).json()
    element = button(reply["blocks"], ui.FEEDBACK_NOT_HELPFUL)
    click(bot, element, response_url=slack.response_url("a"))
    [opened] = slack.wait_for("views.open")
    assert submit(bot, opened.args["view"], None, None, kind="view_closed") == 200
    assert submit(bot, opened.args["view"], "'; drop table srm_feedback; --", "x" * 5000) == 200
    assert settle(lambda: len(bot.runtime.store.feedback(since=EVER)) == 2, timeout=10)
    closed, forged = bot.runtime.store.feedback(since=EVER)
    assert (closed.helpful, closed.reason, closed.comment) == (False, None, None)
    assert forged.reason == "other" and len(forged.comment or "") == ui.FEEDBACK_COMMENT_LIMIT
