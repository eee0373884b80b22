"""Plain messages: direct messages are always answered; channel messages only when clearly asked, per
channel mode; edits, bot posts and messages mentioning the bot are left alone."""

from __future__ import annotations

import pytest

from bot.slack.listeners.messages import answer_message, looks_like_question
from tests.slack.conftest import BOT_USER


def message(text: str, channel: str = "C0001", ts: str = "1.1", **extra: str) -> dict:
    return {"type": "message", "user": "U0001", "text": text, "ts": ts, "channel": channel,
            "channel_type": "channel", **extra}  # fmt: skip


def test_a_direct_message_is_answered_in_its_thread(client, context):
    answer_message(event=message("hi", channel="D0001", channel_type="im"), client=client, context=context)
    posted = client.chat_postMessage.call_args.kwargs
    assert posted["channel"] == "D0001" and posted["thread_ts"] == "1.1"


def test_a_confident_question_in_a_channel_is_answered(client, context):
    answer_message(event=message("who patches the guest os on ec2?"), client=client, context=context)
    assert client.chat_postMessage.call_args.kwargs["thread_ts"] == "1.1"


@pytest.mark.parametrize(
    "event",
    [
        message("who patches the guest os on ec2?", channel="CQUIET"),  # channel mode off
        message("we patched the ec2 guest os yesterday"),  # not a question in "questions" mode
        message("lunch anyone?"),  # a question, but not about shared responsibility
        message("what is ec2?"),  # a service summary is not volunteered in a channel
        message("who patches the guest os on ec2?", bot_id="B9"),  # a bot, ourselves included
        message("who patches the guest os on ec2?", subtype="message_changed"),  # an edit
        message(f"<@{BOT_USER}> who patches the guest os on ec2?"),  # the mention event answers it
        {"type": "message", "text": "who patches rds?", "ts": "1.1", "channel": "C0001"},  # no user
    ],
    ids=["mode-off", "statement", "off-topic", "summary", "bot", "edit", "mention", "no-user"],
)
def test_channel_messages_left_alone(event, client, context):
    answer_message(event=event, client=client, context=context)
    client.chat_postMessage.assert_not_called()


def test_mode_all_answers_a_statement_about_shared_responsibility(client, context):
    answer_message(event=message("patching the guest os on ec2", channel="CALL"), client=client, context=context)
    client.chat_postMessage.assert_called_once()


@pytest.mark.parametrize(
    ("text", "question"),
    [("who patches rds", True), ("Is S3 encrypted", True), ("rds patching?", True), ("we patch rds", False)],
)
def test_looks_like_question(text, question):
    assert looks_like_question(text) is question


def test_a_channel_without_a_mode_is_quiet_by_default(client, context):
    event = {"type": "message", "user": "U0001", "text": "who patches the guest os on ec2?", "ts": "1.1",
             "channel": "CNEW", "channel_type": "channel"}  # fmt: skip
    answer_message(event=event, client=client, context=context)
    client.chat_postMessage.assert_not_called()
