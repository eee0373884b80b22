"""Ack at once and do the work after (a worker thread, or a Bolt lazy listener on Lambda), with the
arguments the work names; refuse work while the backlog is full; work on a repeated event once."""

from __future__ import annotations

import threading
from unittest.mock import Mock

from slack_bolt import BoltRequest

from bot.runtime.state import Runtime
from bot.slack.ack import ack_only, listen


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
