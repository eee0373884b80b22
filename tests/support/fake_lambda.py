"""A local stand-in for the AWS Lambda Invoke API: records asynchronous self-invocations (Bolt lazy
listeners) so a test can deliver them to the handler, as Lambda would."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote


@dataclass
class Invocation:
    function: str
    invocation_type: str
    payload: dict[str, Any]


@dataclass
class FakeLambda:
    invocations: list[Invocation] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

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

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
