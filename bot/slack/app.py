"""Build the Bolt app: one factory for every run mode (Socket Mode, HTTP, AWS Lambda, tests)."""

from __future__ import annotations

import logging
from http.client import RemoteDisconnected
from urllib.error import URLError

from slack_bolt import App
from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.metrics import CountingRetryHandler
from bot.runtime.state import Runtime
from bot.settings import Settings
from bot.slack import listeners, middleware
from bot.slack.installations import InstallationCache

# Bounded retries: Slack's 429 (honouring Retry-After), transient 5xx, dropped connections and timeouts.
RETRIES = 3
CONNECTION_ERRORS = [URLError, ConnectionResetError, RemoteDisconnected]  # slack_sdk's own list
# The bot scopes the code needs, no more; manifest.yml lists the same (tests/test_packaging.py checks).
BOT_SCOPES = ("app_mentions:read", "channels:history", "channels:read", "chat:write", "commands", "im:history")
OAUTH_STATE_SECONDS = 600
# How long an instance trusts a workspace's bot token from memory before reading it again (another
# instance may have saved a reinstall).
INSTALLATION_CACHE_SECONDS = 60


def create_client(settings: Settings) -> WebClient:
    base_url = (settings.slack_api_url or WebClient.BASE_URL).rstrip("/") + "/"
    return WebClient(
        token=None if settings.oauth else settings.bot_token,
        base_url=base_url,
        timeout=settings.slack_timeout,
        retry_handlers=[
            CountingRetryHandler(),
            # timeouts too: a worker thread is held SRM_SLACK_TIMEOUT_SECONDS per attempt, not 30 s
            ConnectionErrorRetryHandler(max_retry_count=RETRIES, error_types=[*CONNECTION_ERRORS, TimeoutError]),
            RateLimitErrorRetryHandler(max_retry_count=RETRIES),
            ServerErrorRetryHandler(max_retry_count=RETRIES),
        ],
    )


class _TokenFromClient(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN itself and warns that the given client's token wins: it is the same one."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


def create_app(settings: Settings, runtime: Runtime | None = None) -> App:
    """The Bolt app. Listeners ack at once (process_before_response) and do slow Web API work after:
    on worker threads, or as Bolt lazy listeners when the runtime is serverless (AWS Lambda)."""
    runtime = runtime or Runtime.load(settings.knowledge_dir, settings.overlay_path, max_backlog=settings.max_backlog)
    logger = logging.getLogger("bot.slack.bolt")
    quiet = _TokenFromClient()
    logger.addFilter(quiet)
    try:
        app = App(
            client=create_client(settings),
            signing_secret=settings.signing_secret or "",
            process_before_response=True,
            oauth_settings=oauth_settings(settings, runtime) if settings.oauth else None,
            logger=logger,
        )
    finally:
        logger.removeFilter(quiet)
    middleware.register(app, settings, runtime)
    listeners.register(app, lazy=runtime.work.serverless)
    return app


def oauth_settings(settings: Settings, runtime: Runtime) -> OAuthSettings:
    """Bolt's install flow (/slack/install, /slack/oauth_redirect) for many workspaces; installations and
    OAuth states live in the bot's own database through slack_sdk's SQLAlchemy stores."""
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

    engine = runtime.store.engine
    installations = SQLAlchemyInstallationStore(client_id=settings.client_id or "", engine=engine)
    states = SQLAlchemyOAuthStateStore(expiration_seconds=OAUTH_STATE_SECONDS, engine=engine)
    for store in (installations, states):
        store.create_tables()  # the library's own tables, created if missing (safe on every start)
    oauth = OAuthSettings(
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        scopes=list(BOT_SCOPES),
        installation_store=InstallationCache(installations, INSTALLATION_CACHE_SECONDS),
        installation_store_bot_only=True,  # bot scopes only: one lookup per request, no user-token lookup
        state_store=states,
    )
    # Bolt's own authorization, with its cache of auth.test results turned on (Bolt leaves it off):
    # otherwise every request would wait on a call to Slack describing a token the bot already knows.
    oauth.authorize = InstallationStoreAuthorize(
        installation_store=oauth.installation_store,
        client_id=oauth.client_id,
        client_secret=oauth.client_secret,
        bot_only=True,
        cache_enabled=True,
        logger=logging.getLogger("bot.slack.bolt"),
    )
    return oauth
