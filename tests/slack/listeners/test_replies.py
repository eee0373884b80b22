"""How listeners answer: ack at once and do the work after (a worker thread, or a Bolt lazy listener on
Lambda), refuse work while the backlog is full, answer a message once, note what was asked."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime
from unittest.mock import Mock

import pytest
from slack_bolt import BoltRequest

from bot.replies import answer_reply
from bot.runtime.state import Runtime
from bot.slack.ack import ack_only, listen
from bot.slack.listeners.answers import note_question, reply_in_thread, strip_mentions


def answer_mention(event: dict, client: Mock) -> None:
    """A stand-in for a listener's work: it names only the arguments it uses."""
    client.chat_postMessage(channel=event["channel"], text="answered")


def arguments(context, client, respond) -> dict:
    """Every argument the registered listener takes, as Bolt passes them: the request (from which Bolt
    injects the work's own arguments), its body and its context."""
    body = {"type": "event_callback", "event_id": "Ev1", "event": {"type": "app_mention", "channel": "C0001"}}
    request = BoltRequest(body=body, mode="socket_mode", context={**context, "client": client, "respond": respond})
    return {"request": request, "body": request.body, "context": request.context}


def test_on_lambda_the_ack_is_immediate_and_the_work_a_lazy_listener(client, respond, context):
    register = Mock()
    listen(register, answer_mention, lazy=True)
    register.assert_called_once()
    assert register.call_args.kwargs["ack"] is ack_only
    [later] = register.call_args.kwargs["lazy"]
    assert later.__name__ == "answer_mention"  # Bolt finds a lazy listener again by its name
    later(**arguments(context, client, respond))
    client.chat_postMessage.assert_called_once_with(channel="C0001", text="answered")


def test_a_repeated_event_is_worked_on_once(client, respond, context):
    register = Mock()
    listen(register, answer_mention, lazy=True)
    [later] = register.call_args.kwargs["lazy"]
    for _ in range(2):
        later(**arguments(context, client, respond))
    client.chat_postMessage.assert_called_once()


def test_work_that_is_once_per_message_by_itself_skips_the_event_claim(client, respond, context):
    register = Mock()
    listen(register, answer_mention, lazy=True, once_per_event=False)
    [later] = register.call_args.kwargs["lazy"]
    for _ in range(2):
        later(**arguments(context, client, respond))
    assert client.chat_postMessage.call_count == 2


def test_elsewhere_the_listener_acks_then_leaves_the_work_to_the_runtime(ack, client, respond, context):
    register = Mock()
    listen(register, answer_mention, lazy=False)
    [listener] = register.call_args.args
    order = Mock()
    order.attach_mock(ack, "ack")
    order.attach_mock(client.chat_postMessage, "post")
    assert listener(ack=ack, **arguments(context, client, respond)) is None
    assert [call[0] for call in order.mock_calls] == ["ack", "post"]  # the work ran after the ack (inline here)


def test_a_full_backlog_refuses_work_with_503_and_no_ack(snapshot, ack, client, respond, context):
    runtime = Runtime(snapshot, max_backlog=1)
    context["runtime"] = runtime
    release = threading.Event()
    runtime.work.run_later(release.wait, {"timeout": 10})  # one piece of work running: the backlog is full
    try:
        register = Mock()
        listen(register, answer_mention, lazy=False)
        [listener] = register.call_args.args
        response = listener(ack=ack, **arguments(context, client, respond))
        assert response.status == 503
        ack.assert_not_called()
        client.chat_postMessage.assert_not_called()
    finally:
        release.set()


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
