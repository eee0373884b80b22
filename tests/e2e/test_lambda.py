"""The AWS Lambda handler, invoked with signed API Gateway events; lazy listeners re-invoke the function
through a local stand-in for the Lambda Invoke API, and answers go to the local Slack stand-in."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from datetime import datetime
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

import pytest

from bot import lambda_handler
from bot.render import blocks as ui
from bot.store.sql import open_store
from tests.support.fake_lambda import FakeLambda
from tests.support.fake_slack import FakeSlack
from tests.support.signed import BOT_TOKEN, SIGNING_SECRET, command_body, event_body, mention_event, signature

FUNCTION_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:srm-bot"
CONTEXT = SimpleNamespace(function_name="srm-bot", invoked_function_arn=FUNCTION_ARN)


@pytest.fixture
def lambda_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> Iterator[tuple[FakeSlack, FakeLambda]]:
    """The environment a deployed function has (deploy/lambda/template.yaml), pointed at stand-ins."""
    slack, invoke = FakeSlack().start(), FakeLambda().start()
    for name, value in {
        "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": slack.api_url,
        "SRM_DATABASE_URL": f"sqlite:///{tmp_path}/lambda.sqlite3", "AWS_ENDPOINT_URL_LAMBDA": invoke.url,
        "AWS_DEFAULT_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
    }.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    lambda_handler._handler.cache_clear()  # a fresh cold start with this environment
    yield slack, invoke
    lambda_handler._handler.cache_clear()
    slack.stop()
    invoke.stop()


def api_gateway_event(body: str, content_type: str) -> dict[str, Any]:
    """An HTTP API (payload format 2.0) event, signed as Slack signs its requests."""
    timestamp = str(int(time.time()))
    headers = {"content-type": content_type, "x-slack-request-timestamp": timestamp,
               "x-slack-signature": signature(body, timestamp)}  # fmt: skip
    return {
        "version": "2.0", "routeKey": "POST /slack/events", "rawPath": "/slack/events", "headers": headers,
        "requestContext": {"http": {"method": "POST", "path": "/slack/events"}}, "body": body,
        "isBase64Encoded": False,
    }  # fmt: skip


def test_slash_command_is_answered_in_the_response(lambda_env):
    event = api_gateway_event(command_body("who patches the guest os on ec2?"), "application/x-www-form-urlencoded")
    response = lambda_handler.handler(event, CONTEXT)
    assert response["statusCode"] == 200
    reply = json.loads(response["body"])
    assert reply["response_type"] == "ephemeral" and "Customer" in json.dumps(reply["blocks"])


def test_mention_is_acked_then_answered_by_the_lazy_self_invocation(lambda_env):
    slack, invoke = lambda_env
    mention = mention_event("who patches rds?", "1700000500.000100")
    response = lambda_handler.handler(api_gateway_event(event_body(mention, "EvLambda1"), "application/json"), CONTEXT)
    assert response["statusCode"] == 200 and slack.recorded("chat.postMessage") == []
    [invocation] = invoke.invocations
    assert invocation.function == FUNCTION_ARN and invocation.invocation_type == "Event"
    assert lambda_handler.handler(invocation.payload, CONTEXT)["statusCode"] == 200  # Lambda delivers it
    [post] = slack.wait_for("chat.postMessage")
    assert post.args["thread_ts"] == "1700000500.000100" and "Shared" in json.dumps(post.args["blocks"])


def test_a_forged_request_is_refused(lambda_env):
    _slack, invoke = lambda_env
    event = api_gateway_event(command_body("ec2"), "application/x-www-form-urlencoded")
    event["headers"]["x-slack-signature"] = "v0=" + "0" * 64
    assert lambda_handler.handler(event, CONTEXT)["statusCode"] == 401
    assert invoke.invocations == []


def test_slash_gaps_is_acked_at_once_and_built_by_the_lazy_self_invocation(lambda_env, monkeypatch):
    slack, invoke = lambda_env
    monkeypatch.setenv("SRM_ADMINS", "U0001")  # command_body's user
    body = command_body("gaps", response_url=slack.response_url("gaps"))
    response = lambda_handler.handler(api_gateway_event(body, "application/x-www-form-urlencoded"), CONTEXT)
    assert response["statusCode"] == 200 and "Building the knowledge-gap report" in response["body"]
    assert slack.recorded("response_url") == []  # nothing read from the database inside the ack window
    [invocation] = invoke.invocations
    assert lambda_handler.handler(invocation.payload, CONTEXT)["statusCode"] == 200  # Lambda delivers it
    [report] = slack.wait_for("response_url")
    assert report.args["text"] == "Knowledge-gap report" and report.args["response_type"] == "ephemeral"


def test_slash_gaps_for_someone_else_is_refused_in_the_ack_and_builds_nothing(lambda_env):
    slack, invoke = lambda_env
    body = command_body("gaps", response_url=slack.response_url("gaps"))
    response = lambda_handler.handler(api_gateway_event(body, "application/x-www-form-urlencoded"), CONTEXT)
    assert "Only srm-bot admins" in json.loads(response["body"])["text"]
    [invocation] = invoke.invocations
    assert lambda_handler.handler(invocation.payload, CONTEXT)["statusCode"] == 200
    assert slack.recorded("response_url") == []


def test_feedback_form_is_acked_then_recorded_by_the_lazy_self_invocation(lambda_env):
    """The "Not helpful" form closes at once; the vote, reason and comment are written by the re-invocation."""
    _slack, invoke = lambda_env
    where = {"service": "rds", "topic": "engine_patching", "q": "who patches rds?", "ephemeral": True}
    values = {"reason": {"reason": {"selected_option": {"value": "missing"}}},
              "comment": {"comment": {"value": "what about Aurora?"}}}  # fmt: skip
    payload = {"type": "view_submission", "team": {"id": "T0001"}, "user": {"id": "U0001"}, "api_app_id": "A0001",
               "view": {"id": "V1", "type": "modal", "callback_id": ui.FEEDBACK_FORM,
                        "private_metadata": json.dumps(where), "state": {"values": values}}}  # fmt: skip
    body = urlencode({"payload": json.dumps(payload)})
    response = lambda_handler.handler(api_gateway_event(body, "application/x-www-form-urlencoded"), CONTEXT)
    assert response["statusCode"] == 200 and response.get("body", "") == ""  # acked: the modal closes
    [invocation] = invoke.invocations
    assert lambda_handler.handler(invocation.payload, CONTEXT)["statusCode"] == 200
    store = open_store(os.environ["SRM_DATABASE_URL"])
    [vote] = store.feedback(since=datetime(2000, 1, 1))
    assert (vote.service, vote.helpful, vote.reason, vote.comment) == ("rds", False, "missing", "what about Aurora?")
