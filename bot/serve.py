"""Run modes: Socket Mode, or HTTP on uvicorn (a production ASGI server, not Bolt's dev server)."""

from __future__ import annotations

import logging

from bot.reload import install_sighup, watch_knowledge
from bot.runtime import Runtime
from bot.settings import Settings, SettingsError
from bot.slack.app import create_app
from bot.web import create_web_app

log = logging.getLogger(__name__)


def serve_socket_mode(settings: Settings, runtime: Runtime) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    if not settings.app_token:
        raise SettingsError("Socket Mode needs SLACK_APP_TOKEN (xapp-...); or use --http with SLACK_SIGNING_SECRET")
    app = create_app(settings, runtime)
    _enable_reload(runtime)
    log.info("srm-bot connecting to Slack in Socket Mode")
    SocketModeHandler(app, settings.app_token).start()


def serve_http(settings: Settings, runtime: Runtime, host: str, port: int) -> None:
    import uvicorn

    if not settings.signing_secret:
        raise SettingsError("HTTP mode needs SLACK_SIGNING_SECRET")
    web = create_web_app(create_app(settings, runtime), runtime)
    _enable_reload(runtime)
    uvicorn.run(web, host=host, port=port, log_level="info", access_log=False)


def _enable_reload(runtime: Runtime) -> None:
    install_sighup(runtime)
    watch_knowledge(runtime)
