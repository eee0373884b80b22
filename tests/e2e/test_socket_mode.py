"""Socket Mode against a local WebSocket server that drops the bot mid-conversation and re-delivers."""

from __future__ import annotations

import contextlib
import json
import queue
import threading
import time

from prometheus_client import REGISTRY
from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve

from bot.runtime.state import Runtime
from bot.serve import socket_mode_handler
from bot.settings import Settings
from tests.conftest import KNOWLEDGE_DIR
from tests.support.fake_slack import BOT_USER_ID, FakeSlack, settle
from tests.support.signed import BOT_TOKEN, mention_event

APP_TOKEN = "xapp-test-token-not-real"


def envelope(envelope_id: str, retry_attempt: int, event_id: str = "EvSocket1", ts: str = "1700000001.000100") -> str:
    event = mention_event("who patches the guest os on ec2?", ts)
    payload = {"token": "legacy", "team_id": "T0001", "api_app_id": "A0001", "type": "event_callback",
               "event_id": event_id, "event_time": int(time.time()), "event": event,
               "authorizations": [{"team_id": "T0001", "user_id": BOT_USER_ID, "is_bot": True}]}  # fmt: skip
    return json.dumps({
        "envelope_id": envelope_id, "type": "events_api", "accepts_response_payload": False, "payload": payload,
        "retry_attempt": retry_attempt, "retry_reason": "timeout" if retry_attempt else "",
    })  # fmt: skip


class LocalSocketServer:
    """A local stand-in for Slack's Socket Mode WebSocket; records the envelope ids acknowledged."""

    def __init__(self) -> None:
        self.connections = 0
        self.acks: list[str] = []
        self._server = serve(self._handle, "127.0.0.1", 0)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        host, port = self._server.socket.getsockname()[:2]
        return f"ws://{host}:{port}/link"

    def _handle(self, connection: ServerConnection) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        self._server.shutdown()


class DroppingSocketServer(LocalSocketServer):
    """First connection: hello, one event, read the ack, then drop. Later connections: the same event
    again as a retry (retry_attempt 1), then stay open."""

    def _handle(self, connection: ServerConnection) -> None:
        self.connections += 1
        first = self.connections == 1
        connection.send(json.dumps({"type": "hello", "num_connections": 1, "debug_info": {}}))
        connection.send(envelope(f"env-{self.connections}", 0 if first else 1))
        try:
            while True:
                message = json.loads(connection.recv(timeout=30))
                if "envelope_id" in message:
                    self.acks.append(message["envelope_id"])
                    if first:
                        connection.close()  # drop the bot right after it acknowledged
                        return
        except (ConnectionClosed, TimeoutError):
            return


class ScriptedSocketServer(LocalSocketServer):
    """Sends hello, then whatever the test puts in `outbox`."""

    def __init__(self) -> None:
        self.outbox: queue.Queue[str] = queue.Queue()
        super().__init__()

    def _handle(self, connection: ServerConnection) -> None:
        connection.send(json.dumps({"type": "hello", "num_connections": 1, "debug_info": {}}))
        try:
            while True:
                with contextlib.suppress(queue.Empty):
                    connection.send(self.outbox.get(timeout=0.02))
                with contextlib.suppress(TimeoutError):
                    message = json.loads(connection.recv(timeout=0.02))
                    if "envelope_id" in message:
                        self.acks.append(message["envelope_id"])
        except ConnectionClosed:
            return


def test_socket_mode_reconnects_and_never_answers_a_retry_twice():
    slack = FakeSlack().start()
    sockets = DroppingSocketServer()
    slack.responses["apps.connections.open"] = {"url": sockets.url}
    settings = Settings(knowledge_dir=KNOWLEDGE_DIR, bot_token=BOT_TOKEN, app_token=APP_TOKEN,
                        slack_api_url=slack.api_url)  # fmt: skip
    runtime = Runtime.load(KNOWLEDGE_DIR)
    handler = socket_mode_handler(settings, runtime)
    try:
        handler.connect()
        assert settle(lambda: len(sockets.acks) >= 2, timeout=40), f"acks: {sockets.acks}"
        assert sockets.connections >= 2 and len(slack.recorded("apps.connections.open")) >= 2
        [call] = slack.wait_for("chat.postMessage")
        assert settle(lambda: runtime.backlog == 0, timeout=10)  # the retry's work is done: the log is complete
        assert len(slack.recorded("chat.postMessage")) == 1
        assert call.args["thread_ts"] == "1700000001.000100" and "Customer" in json.dumps(call.args["blocks"])
    finally:
        handler.close()
        sockets.stop()
        slack.stop()


def test_socket_mode_leaves_events_unacknowledged_while_the_backlog_is_full():
    """Unacknowledged, an envelope is delivered again by Slack (as a retry) once the bot has room."""
    slack, sockets = FakeSlack().start(), ScriptedSocketServer()
    slack.responses["apps.connections.open"] = {"url": sockets.url}
    slow_slack = slack.held["chat.postMessage"] = threading.Event()
    settings = Settings(knowledge_dir=KNOWLEDGE_DIR, bot_token=BOT_TOKEN, app_token=APP_TOKEN,
                        slack_api_url=slack.api_url, max_backlog=1)  # fmt: skip
    runtime = Runtime.load(KNOWLEDGE_DIR, max_backlog=settings.max_backlog)
    handler = socket_mode_handler(settings, runtime)
    shed = {"kind": "answer_mention"}
    shed_before = REGISTRY.get_sample_value("srm_requests_shed_total", shed) or 0
    try:
        handler.connect()
        sockets.outbox.put(envelope("env-1", 0, "EvFull1", "1700000002.000100"))
        assert settle(lambda: "env-1" in sockets.acks and runtime.backlog == 1, timeout=10)
        sockets.outbox.put(envelope("env-2", 0, "EvFull2", "1700000002.000200"))
        assert settle(lambda: REGISTRY.get_sample_value("srm_requests_shed_total", shed) == shed_before + 1)
        assert not settle(lambda: "env-2" in sockets.acks, timeout=0.5)
        slow_slack.set()
        assert settle(lambda: runtime.backlog == 0)
        sockets.outbox.put(envelope("env-3", 1, "EvFull2", "1700000002.000200"))  # Slack's re-delivery
        assert settle(lambda: "env-3" in sockets.acks, timeout=10)
        answers = slack.wait_for("chat.postMessage", count=2)
        assert [call.args["thread_ts"] for call in answers] == ["1700000002.000100", "1700000002.000200"]
    finally:
        slow_slack.set()
        handler.close()
        sockets.stop()
        slack.stop()
