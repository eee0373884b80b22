"""AWS Lambda entry point (handler: bot.lambda_handler.handler), behind API Gateway or a function URL.

Slack needs an answer within 3 seconds and a Lambda function is frozen once it returns, so listeners
ack at once and their follow-up work (posting answers) runs as Bolt lazy listeners: the function invokes
itself asynchronously for it. See deploy/lambda/template.yaml."""

from __future__ import annotations

from functools import cache
from typing import Any

from slack_bolt.adapter.aws_lambda import SlackRequestHandler

from bot.logs import configure_logging
from bot.runtime.heap import freeze_heap
from bot.runtime.state import Runtime
from bot.settings import Settings
from bot.slack.app import create_app
from bot.store.sql import open_store


@cache
def _handler() -> SlackRequestHandler:
    """Built once per execution environment (the cold start), reused by every invocation after it."""
    settings = Settings.from_env()
    configure_logging(settings.log_format or "json")
    store = open_store(settings.database_url)
    runtime = Runtime.load(settings.knowledge_dir, settings.overlay_path, store, serverless=True)
    handler = SlackRequestHandler(create_app(settings, runtime))
    freeze_heap()
    return handler


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return _handler().handle(event, context)
