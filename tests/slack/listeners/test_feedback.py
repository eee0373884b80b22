"""Feedback buttons and the "what was wrong" form: each vote is kept once, with its reason, and the
answer it was about is updated in place (its buttons give way to a thanks)."""

from __future__ import annotations

import json
from datetime import datetime
from unittest.mock import Mock

from bot.render import blocks as ui
from bot.slack.listeners import feedback
from bot.slack.listeners.feedback import ask_what_was_wrong, record_what_was_wrong, vote_helpful

IN_A_CHANNEL = {
    "user": {"id": "U0001"},
    "trigger_id": "1.2.abc",
    "container": {"channel_id": "C0001", "message_ts": "1700000000.000100"},
    "message": {"ts": "1700000000.000100"},
}
VALUE = {"service": "rds", "topic": "engine_patching", "q": "who patches rds?"}


def test_helpful_is_recorded_and_the_message_updated_in_place(client, respond, context):
    vote_helpful(
        action={"action_id": ui.FEEDBACK_HELPFUL, "value": json.dumps(VALUE)},
        body=IN_A_CHANNEL, client=client, respond=respond, context=context,
    )  # fmt: skip
    [vote] = context["runtime"].store.feedback(since=datetime(2000, 1, 1))
    assert (vote.user_id, vote.service, vote.topic, vote.helpful) == ("U0001", "rds", "engine_patching", True)
    update = client.chat_update.call_args.kwargs
    assert (update["channel"], update["ts"]) == ("C0001", "1700000000.000100")
    assert ui.FEEDBACK_HELPFUL not in json.dumps(update["blocks"])  # the buttons are gone
    client.chat_postMessage.assert_not_called()


def test_not_helpful_opens_the_form_and_records_nothing_yet(client, context):
    ask_what_was_wrong(
        action={"action_id": ui.FEEDBACK_NOT_HELPFUL, "value": json.dumps(VALUE)},
        body=IN_A_CHANNEL, client=client, context=context,
    )  # fmt: skip
    view = client.views_open.call_args.kwargs["view"]
    assert view["callback_id"] == ui.FEEDBACK_FORM and json.loads(view["private_metadata"])["service"] == "rds"
    assert context["runtime"].store.feedback(since=datetime(2000, 1, 1)) == []


def test_the_form_records_the_reason_and_comment(client, context):
    where = {**VALUE, "channel": "C0001", "ts": "1700000000.000100", "ephemeral": False}
    values = {"reason": {"reason": {"selected_option": {"value": "owner"}}},
              "comment": {"comment": {"value": "RDS Custom is different"}}}  # fmt: skip
    body = {"user": {"id": "U0001"}, "view": {"private_metadata": json.dumps(where), "state": {"values": values}}}
    record_what_was_wrong(body=body, client=client, context=context)
    [vote] = context["runtime"].store.feedback(since=datetime(2000, 1, 1))
    assert (vote.helpful, vote.reason, vote.comment) == (False, "owner", "RDS Custom is different")
    client.chat_update.assert_called_once()


def test_the_buttons_and_the_form_are_registered():
    app = Mock()
    feedback.register(app, lazy=False)
    actions = [call.args[0] for call in app.action.call_args_list]
    assert actions == [ui.FEEDBACK_HELPFUL, ui.FEEDBACK_NOT_HELPFUL]
    assert app.view_submission.call_args.args[0] == ui.FEEDBACK_FORM
    assert app.view_closed.call_args.args[0] == ui.FEEDBACK_FORM
