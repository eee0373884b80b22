"""A local stand-in for the AWS Lambda Invoke API: records asynchronous self-invocations (Bolt lazy
listeners) so a test can deliver them to the handler, as Lambda would."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

from tests.support.local_server import LocalServer


@dataclass
class Invocation:
    function: str
    invocation_type: str
    payload: dict[str, Any]


@dataclass
class FakeLambda(LocalServer):
    invocations: list[Invocation] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None

    def start(self) -> FakeLambda:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # POST /2015-03-31/functions/{name}/invocations
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                function = unquote(self.path.split("/functions/", 1)[1].rsplit("/invocations", 1)[0])
                kind = self.headers.get("X-Amz-Invocation-Type", "RequestResponse")
                fake.invocations.append(Invocation(function, kind, json.loads(body)))
                self.send_response(202 if kind == "Event" else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self._serve(Handler)
        return self
