"""Run modes: Socket Mode, or HTTP on uvicorn (a production ASGI server, not Bolt's dev server)."""

from __future__ import annotations

import logging
import sys

from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.reload import install_sighup, watch_knowledge
from bot.runtime import Runtime
from bot.settings import Settings, SettingsError
from bot.slack.app import create_app
from bot.web import create_web_app

log = logging.getLogger(__name__)

# How often the Socket Mode client checks that the connection is alive (and reconnects if not).
PING_INTERVAL_SECONDS = 5
GIL_SWITCH_INTERVAL_SECONDS = 0.001


def socket_mode_handler(settings: Settings, runtime: Runtime) -> SocketModeHandler:
    """Bolt's Socket Mode handler; it reconnects by itself when the WebSocket drops."""
    if not settings.app_token:
        raise SettingsError("Socket Mode needs SLACK_APP_TOKEN (xapp-...); or use --http with SLACK_SIGNING_SECRET")
    return SocketModeHandler(create_app(settings, runtime), settings.app_token, ping_interval=PING_INTERVAL_SECONDS)


def serve_socket_mode(settings: Settings, runtime: Runtime) -> None:
    handler = socket_mode_handler(settings, runtime)
    _enable_reload(runtime)
    log.info("srm-bot connecting to Slack in Socket Mode")
    handler.start()


def serve_http(settings: Settings, runtime: Runtime, host: str, port: int) -> None:
    import uvicorn

    if not settings.signing_secret:
        raise SettingsError("HTTP mode needs SLACK_SIGNING_SECRET")
    web = create_web_app(create_app(settings, runtime), runtime)
    _enable_reload(runtime)
    # Requests run on the event loop, Web API calls on worker threads: hand the GIL over sooner than
    # Python's default 5 ms so a worker's post never holds the loop's next request for long.
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_SECONDS)
    uvicorn.run(web, host=host, port=port, log_level="info", access_log=False)


def _enable_reload(runtime: Runtime) -> None:
    install_sighup(runtime)
    watch_knowledge(runtime)
