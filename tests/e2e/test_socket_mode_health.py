"""The container health probe in Socket Mode follows the WebSocket: healthy while connected, failing once
the connection has been down for a few intervals."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.runtime.state import Runtime
from bot.serve import socket_mode_handler, watch_connection
from bot.settings import Settings
from tests.conftest import KNOWLEDGE_DIR
from tests.e2e.test_socket_mode import APP_TOKEN, ScriptedSocketServer
from tests.support.fake_slack import FakeSlack, settle
from tests.support.signed import BOT_TOKEN


def probe(connection_file: Path) -> int:
    """`python -m bot.healthcheck` as the container runs it in Socket Mode."""
    env = {**os.environ, "SLACK_APP_TOKEN": APP_TOKEN, "SRM_CONNECTION_FILE": str(connection_file)}
    return subprocess.run([sys.executable, "-m", "bot.healthcheck"], env=env, capture_output=True).returncode


def test_socket_mode_health_follows_the_connection(tmp_path):
    slack, sockets = FakeSlack().start(), ScriptedSocketServer()
    slack.responses["apps.connections.open"] = {"url": sockets.url}
    settings = Settings(knowledge_dir=KNOWLEDGE_DIR, bot_token=BOT_TOKEN, app_token=APP_TOKEN,
                        slack_api_url=slack.api_url)  # fmt: skip
    handler = socket_mode_handler(settings, Runtime.load(KNOWLEDGE_DIR))
    connected = tmp_path / "connected"
    try:
        assert probe(connected) == 1  # nothing reported yet
        watch_connection(handler, connected, interval=0.2)
        handler.connect()
        assert settle(lambda: probe(connected) == 0, timeout=10)
        handler.close()  # the WebSocket is gone and stays gone
        assert settle(lambda: probe(connected) == 1, timeout=10)
    finally:
        handler.close()
        sockets.stop()
        slack.stop()
