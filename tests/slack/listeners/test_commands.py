"""/srm: replies go back in the response to Slack's request; the gap report is for admins, acked first and
built after the ack."""

from __future__ import annotations

import json
from unittest.mock import Mock

from bot.slack.listeners.commands import (
    NOT_AN_ADMIN,
    acknowledge_gap_report,
    asks_for_gaps,
    handle_srm,
    post_gap_report,
    register,
)
from tests.slack.conftest import ADMIN


def command(text: str, user: str = "U0001") -> dict:
    return {"command": "/srm", "text": text, "user_id": user, "response_url": "https://hooks.slack.invalid/1"}


def test_a_question_is_answered_in_the_response_without_an_ack_call(ack, respond, context):
    response = handle_srm(ack=ack, command=command("who patches the guest os on ec2?"), respond=respond,
                          context=context)  # fmt: skip
    assert response is not None and response.status == 200
    reply = json.loads(response.body)
    assert reply["response_type"] == "ephemeral" and "Customer" in json.dumps(reply["blocks"])
    ack.assert_not_called()  # Bolt sends the returned response as the ack
    respond.assert_not_called()


def test_an_empty_command_gets_usage(ack, respond, context):
    response = handle_srm(ack=ack, command=command(""), respond=respond, context=context)
    assert "/srm" in json.loads(response.body)["text"]


def test_gaps_for_an_admin_acks_then_responds_with_the_report(ack, respond, context):
    assert handle_srm(ack=ack, command=command("gaps", ADMIN), respond=respond, context=context) is None
    ack.assert_called_once()
    assert "Building the knowledge-gap report" in ack.call_args.kwargs["text"]
    respond.assert_called_once()  # after the ack (inline here: the runtime is serverless)
    assert respond.call_args.kwargs["text"] == "Knowledge-gap report"
    assert respond.call_args.kwargs["response_type"] == "ephemeral"


def test_gaps_for_anyone_else_is_refused_in_the_ack(ack, respond, context):
    assert handle_srm(ack=ack, command=command(" GAPS "), respond=respond, context=context) is None
    ack.assert_called_once_with(response_type="ephemeral", text=NOT_AN_ADMIN)
    respond.assert_not_called()


def test_the_lazy_gap_report_checks_the_caller_again(ack, respond, context):
    """On Lambda the ack and the report are separate listeners: the report must not trust the ack."""
    assert acknowledge_gap_report(ack=ack, command=command("gaps"), context=context) is False
    post_gap_report(command=command("gaps"), respond=respond, context=context)
    respond.assert_not_called()
    post_gap_report(command=command("gaps", ADMIN), respond=respond, context=context)
    respond.assert_called_once()


def test_asks_for_gaps():
    assert asks_for_gaps(command(" Gaps")) and not asks_for_gaps(command("gaps ec2"))
    assert not asks_for_gaps({"command": "/srm"})


def test_on_lambda_the_gap_report_is_a_lazy_listener_ahead_of_the_others():
    app = Mock()
    register(app, lazy=True)
    assert app.command.call_args_list[0].args == ("/srm",)
    assert app.command.call_args_list[0].kwargs == {"matchers": [asks_for_gaps]}
    app.command.return_value.assert_any_call(ack=acknowledge_gap_report, lazy=[post_gap_report])
    app.command.return_value.assert_called_with(handle_srm)


def test_elsewhere_one_listener_serves_every_subcommand():
    app = Mock()
    register(app, lazy=False)
    app.command.assert_called_once_with("/srm")
    app.command.return_value.assert_called_once_with(handle_srm)
