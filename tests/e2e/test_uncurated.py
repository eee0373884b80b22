"""A service known by name only, asked over real signed HTTP: named, not curated, recorded as missing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime

import pytest

from bot.gaps import build_report
from bot.store.sql import open_store
from tests.e2e.conftest import RunningBot, start_bot
from tests.support.fake_slack import FakeSlack, settle
from tests.support.signed import command_body, event_body, mention_event, post

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
EPOCH = datetime(2000, 1, 1)


@pytest.fixture
def store_bot(bot: RunningBot, slack: FakeSlack, database_url: str) -> Iterator[RunningBot]:
    # the module's bot opens its in-memory store on first use; Alembic migrates one store at a time
    assert bot.runtime.store is not None
    running, server = start_bot(slack, open_store(database_url))
    yield running
    server.should_exit = True


def test_slash_command_names_the_uncurated_service(bot):
    reply = post(bot.events_url, command_body("who patches the guest os behind amazon polly?"), FORM).json()
    text = json.dumps(reply["blocks"])
    assert reply["response_type"] == "ephemeral"
    assert "Amazon Polly: not curated yet" in text and "(general rule)" in text
    assert "https://docs.aws.amazon.com/polly/latest/dg/security.html" in text
    assert "not curated yet" in reply["text"]


def test_slash_command_for_the_issue_regression_is_not_s3(bot):
    """ "amazon mq" was one typo from "amazon s3"; MQ is curated now, so the regression is asked both ways."""
    reply = post(bot.events_url, command_body("amazon mq broker patching"), FORM).json()
    assert "Amazon MQ" in json.dumps(reply["blocks"]) and "Amazon S3" not in json.dumps(reply["blocks"])
    reply = post(bot.events_url, command_body("amazon kendra index patching"), FORM).json()
    text = json.dumps(reply["blocks"])
    assert "Amazon Kendra: not curated yet" in text and "Amazon S3" not in text


def test_mention_is_answered_in_thread_and_recorded_as_a_missing_service(store_bot, slack):
    event = mention_event("who patches amazon kinesis video streams?", "1700000300.000100")
    assert post(store_bot.events_url, event_body(event, "EvUncurated1"), JSON).status == 200
    [call] = slack.wait_for("chat.postMessage")
    assert call.args["thread_ts"] == "1700000300.000100"
    text = json.dumps(call.args["blocks"])
    assert "Amazon Kinesis Video Streams: not curated yet" in text
    assert "Owner*\\nAWS" not in text  # patching in general: no layer rule, so no owner
    store = store_bot.runtime.store
    assert settle(lambda: bool(store.questions(since=EPOCH)), timeout=10)
    [record] = store.questions(since=EPOCH)
    assert (record.unknown_service, record.service, record.kind) == ("kinesisvideo", "kinesisvideo", "uncurated")
    assert ("kinesisvideo", 1) in build_report(store, EPOCH).missing_services
