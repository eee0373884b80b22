"""Build the Bolt app: one factory for every run mode (Socket Mode, HTTP, tests)."""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.runtime import Runtime
from bot.settings import Settings
from bot.slack import listeners, middleware

# Bounded retries: Slack's 429 (honouring Retry-After), transient 5xx and dropped connections.
RETRIES = 3


def create_client(settings: Settings) -> WebClient:
    base_url = (settings.slack_api_url or WebClient.BASE_URL).rstrip("/") + "/"
    return WebClient(
        token=settings.bot_token,
        base_url=base_url,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=RETRIES),
            RateLimitErrorRetryHandler(max_retry_count=RETRIES),
            ServerErrorRetryHandler(max_retry_count=RETRIES),
        ],
    )


def create_app(settings: Settings, runtime: Runtime | None = None) -> App:
    """The Bolt app. Listeners ack at once (process_before_response) and do slow Web API work lazily."""
    runtime = runtime or Runtime.load(settings.knowledge_dir, settings.overlay_path)
    app = App(
        client=create_client(settings),
        signing_secret=settings.signing_secret or "",
        process_before_response=True,
        logger=logging.getLogger("bot.slack.bolt"),
    )
    middleware.register(app, settings, runtime)
    listeners.register(app)
    return app
