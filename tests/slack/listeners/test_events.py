"""Events: a mention is answered in its thread once, the Home tab is published, newcomers are welcomed."""

from __future__ import annotations

import json
from datetime import datetime

from bot.render.home import HOME_SERVICE, STARTER_QUESTION
from bot.slack.listeners.events import answer_mention, publish_home, welcome_member
from tests.slack.conftest import BOT_USER


def mention(text: str, ts: str = "1700000000.000100", **extra: str) -> dict:
    return {"type": "app_mention", "user": "U0001", "text": f"<@{BOT_USER}> {text}", "ts": ts, "channel": "C0001",
            **extra}  # fmt: skip


def test_a_mention_is_answered_in_its_thread(client, context):
    answer_mention(event=mention("who patches the guest os on ec2?"), client=client, context=context)
    client.chat_postMessage.assert_called_once()
    posted = client.chat_postMessage.call_args.kwargs
    assert posted["channel"] == "C0001" and posted["thread_ts"] == "1700000000.000100"
    assert "Customer" in posted["blocks"] and posted["text"] == "Amazon EC2 · Guest OS patching: Customer (Shared)"
    assert f"<@{BOT_USER}>" not in posted["blocks"]  # the mention itself is not part of the question


def test_a_mention_inside_a_thread_is_answered_in_that_thread(client, context):
    answer_mention(event=mention("who patches rds?", thread_ts="1699999999.000001"), client=client, context=context)
    assert client.chat_postMessage.call_args.kwargs["thread_ts"] == "1699999999.000001"


def test_the_same_message_is_answered_once(client, context):
    event = mention("who patches rds?")
    answer_mention(event=event, client=client, context=context)
    answer_mention(event=event, client=client, context=context)  # a retry, or the message event for it
    client.chat_postMessage.assert_called_once()


def test_a_mention_the_bot_cannot_answer_is_kept_for_the_gap_report(client, context):
    answer_mention(event=mention("tell me a joke"), client=client, context=context)
    [record] = context["runtime"].store.questions(since=datetime(2000, 1, 1))
    assert record.surface == "mention" and record.status != "answered" and record.text is None


def test_home_tab_is_published_for_the_user(client, context):
    publish_home(event={"type": "app_home_opened", "user": "U0001", "tab": "home"}, client=client, context=context)
    client.views_publish.assert_called_once()
    view = client.views_publish.call_args.kwargs["view"]
    assert client.views_publish.call_args.kwargs["user_id"] == "U0001" and view["type"] == "home"
    assert HOME_SERVICE in json.dumps(view)


def test_the_messages_tab_publishes_nothing(client, context):
    publish_home(event={"type": "app_home_opened", "user": "U0001", "tab": "messages"}, client=client, context=context)
    client.views_publish.assert_not_called()


def test_a_newcomer_in_an_onboarding_channel_is_welcomed_with_three_starters(client, context):
    welcome_member(event={"type": "member_joined_channel", "user": "U0002", "channel": "CWELCOME"}, client=client,
                   context=context)  # fmt: skip
    client.chat_postEphemeral.assert_called_once()
    posted = client.chat_postEphemeral.call_args.kwargs
    assert (posted["channel"], posted["user"]) == ("CWELCOME", "U0002")
    assert json.dumps(posted["blocks"]).count(STARTER_QUESTION) == 3


def test_joining_any_other_channel_gets_no_welcome(client, context):
    welcome_member(event={"type": "member_joined_channel", "user": "U0002", "channel": "C0001"}, client=client,
                   context=context)  # fmt: skip
    client.chat_postEphemeral.assert_not_called()
