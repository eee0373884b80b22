"""Answering in a thread, once per message, and noting the questions answered badly."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from bot.replies import answer_reply
from bot.slack.listeners.answers import note_question, reply_in_thread, strip_mentions


@pytest.mark.parametrize(
    ("text", "question"),
    [("<@UBOT0001> who patches rds?", "who patches rds?"), ("<@U1|alice> hi <@U2>", "hi"), ("plain", "plain")],
)
def test_strip_mentions(text, question):
    assert strip_mentions(text) == question


def test_a_message_without_a_channel_or_ts_is_not_answered(client, context):
    assert reply_in_thread(client, context, {"text": "who patches rds?"}, "dm") is False
    client.chat_postMessage.assert_not_called()


def test_a_reply_given_is_posted_as_it_is(client, context):
    reply = answer_reply(context["runtime"].snapshot, "who secures the hypervisor?")
    event = {"channel": "C0001", "ts": "1.1", "text": "something else entirely"}
    assert reply_in_thread(client, context, event, "channel", reply) is True
    posted = client.chat_postMessage.call_args.kwargs
    assert posted["blocks"] == reply.blocks_json and posted["unfurl_links"] is False


def test_only_badly_answered_questions_are_kept_and_their_text_only_when_allowed(context, settings):
    store = context["runtime"].store
    note_question(context, "slash", answer_reply(context["runtime"].snapshot, "who patches the guest os on ec2?"))
    assert store.questions(since=datetime(2000, 1, 1)) == []
    context["settings"] = replace(settings, store_questions=True)
    note_question(context, "slash", answer_reply(context["runtime"].snapshot, "what is the weather in paris"))
    [record] = store.questions(since=datetime(2000, 1, 1))
    assert record.text == "what is the weather in paris" and record.surface == "slash"
