"""A local stand-in for the Slack Web API (and response_url) that records every call made to it."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from tests.support.local_server import LocalServer

BOT_USER_ID = "UBOT0001"


@dataclass
class Call:
    method: str  # "chat.postMessage", or "response_url" for posts to a response URL
    args: dict[str, Any]
    token: str | None


@dataclass
class FakeSlack(LocalServer):
    """Answers like Slack; `failures` queues status codes (e.g. 429, 500) to return before succeeding."""

    calls: list[Call] = field(default_factory=list)
    failures: dict[str, list[tuple[int, dict[str, str]]]] = field(default_factory=dict)
    responses: dict[str, dict[str, Any]] = field(default_factory=dict)  # method -> extra response fields
    attempts: dict[str, int] = field(default_factory=dict)
    held: dict[str, threading.Event] = field(default_factory=dict)  # method -> answered once the event is set
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    @property
    def api_url(self) -> str:
        return self.url + "/api/"

    def response_url(self, name: str = "r1") -> str:
        return f"{self.url}/response/{name}"

    def start(self) -> FakeSlack:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                args = _parse(raw, self.headers.get("Content-Type", ""))
                method = self.path.removeprefix("/api/") if self.path.startswith("/api/") else "response_url"
                token = (self.headers.get("Authorization") or "").removeprefix("Bearer ") or None
                status, headers, body = fake._respond(method, args, token)
                gate = fake.held.get(method)
                if gate is not None:
                    gate.wait(timeout=10)  # a slow Slack: the call is recorded, its answer waits
                payload = json.dumps(body).encode()
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self._serve(Handler)
        return self

    def _respond(self, method: str, args: dict[str, Any], token: str | None) -> tuple[int, dict[str, str], Any]:
        with self._lock:
            self.attempts[method] = self.attempts.get(method, 0) + 1
            queued = self.failures.get(method)
            if queued:
                status, headers = queued.pop(0)
                return status, headers, {"ok": False, "error": "ratelimited" if status == 429 else "internal_error"}
            self.calls.append(Call(method, args, token))
        if method in self.responses:
            return 200, {}, {"ok": True, **self.responses[method]}
        if method == "auth.test":
            return (
                200,
                {},
                {"ok": True, "user_id": BOT_USER_ID, "bot_id": "BBOT0001", "team_id": "T0001", "user": "srm"},
            )
        if method == "chat.postMessage":
            return 200, {}, {"ok": True, "channel": args.get("channel"), "ts": f"{time.time():.6f}"}
        return 200, {}, {"ok": True}

    def recorded(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """Calls happen on lazy listener threads after the ack: wait (bounded) until they arrive."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.recorded(method)
            if len(found) >= count:
                return found
            time.sleep(0.01)
        raise AssertionError(f"expected {count} {method} call(s), got {self.recorded(method)}")

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()
            self.attempts.clear()


def _parse(raw: str, content_type: str) -> dict[str, Any]:
    """As Slack reads them: blocks, view and attachments may come as JSON text, in a form or a JSON body."""
    form = "json" not in content_type
    args: dict[str, Any] = {k: v[0] for k, v in parse_qs(raw).items()} if form else json.loads(raw or "{}")
    for key in ("blocks", "view", "attachments"):
        if isinstance(args.get(key), str):
            args[key] = json.loads(args[key])
    return args


def settle(condition: Callable[[], bool], timeout: float = 2.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()
