"""Cross-cutting concerns for every request: context, request id, replay protection, a respond() that
retries.

Request latency is measured by the HTTP front (web.py): a Bolt middleware's next() only marks the chain
as continuing, so it cannot time the listener."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltResponse, Respond
from slack_bolt.context.respond.internals import _build_message
from slack_bolt.middleware import Middleware
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient, WebhookResponse

from bot import metrics
from bot.logs import REQUEST_ID, RejectionLog
from bot.runtime.replay import SIGNATURE
from bot.runtime.state import Runtime
from bot.settings import Settings
from bot.slack.context import RUNTIME, SETTINGS
from bot.store import StoreUnavailable

log = logging.getLogger(__name__)
REQUEST_ID_CHARS = 64  # Slack's ids are ~20 characters; a longer one is cut, not logged whole


class RequestContextAndReplayGuard(Middleware):
    """Puts the runtime, settings, a retrying respond() and the request id in the context, and refuses
    a replayed request (401) before any listener runs.

    A Middleware subclass rather than a function: Bolt calls it directly, whereas for a function it
    builds every injectable argument on each request, which cost more than the checks themselves."""

    def __init__(self, settings: Settings, runtime: Runtime):
        self.settings = settings
        self.runtime = runtime
        self.rejections = RejectionLog(log)

    def process(self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]) -> BoltResponse | None:
        req.context[SETTINGS] = self.settings
        req.context[RUNTIME] = self.runtime
        if req.context.response_url and req.context.client is not None:
            req.context["respond"] = RetryingRespond(req.context.response_url, req.context.client)
        REQUEST_ID.set(request_id(req.body))
        if not req.lazy_only:  # lazy_only: AWS Lambda's own re-invocation
            try:
                replayed = is_replayed(req, self.runtime)
            except StoreUnavailable:
                return BoltResponse(status=503, body="store unavailable; Slack will retry")
            if replayed:
                metrics.REJECTED.labels(reason="replayed").inc()
                self.rejections.note("replayed")
                return BoltResponse(status=401, body="replayed request")
        return next()


class ResponseUrlError(Exception):
    """A post to a response_url that failed after its retries (the work is logged and counted)."""


class RetryingRespond(Respond):
    """Bolt's respond() with the Web API client's timeout and retry handlers (429, 5xx, connection
    errors, timeouts; each failed attempt counted in /metrics). Bolt's own makes one attempt with a
    30-second timeout and returns a failure silently; this one raises it."""

    def __init__(self, response_url: str, client: WebClient):
        super().__init__(response_url=response_url)
        self._timeout = client.timeout
        self._retry_handlers = client.retry_handlers

    def __call__(self, text: str | dict = "", **fields: Any) -> WebhookResponse:  # type: ignore[override]
        message = _build_message(**text) if isinstance(text, dict) else _build_message(text=text, **fields)
        webhook = WebhookClient(str(self.response_url), timeout=self._timeout, retry_handlers=self._retry_handlers)
        response = webhook.send_dict(message)
        if not 200 <= response.status_code < 300:
            raise ResponseUrlError(f"response_url post failed: HTTP {response.status_code}")
        return response


def register(app: App, settings: Settings, runtime: Runtime) -> None:
    app.use(RequestContextAndReplayGuard(settings, runtime))


def request_id(body: dict) -> str:
    """Slack's own id where there is one, so a log line can be traced to the event Slack sent."""
    found = body.get("event_id") or body.get("trigger_id")
    return str(found)[:REQUEST_ID_CHARS] if found else uuid.uuid4().hex[:16]


def is_replayed(request: BoltRequest, runtime: Runtime) -> bool:
    """A signature is valid for five minutes; a second request with the same one is a replay, whatever
    retry headers were added to it (they are not signed). Slack signs each re-delivery afresh.

    Signatures are claimed in the shared store (in batches: a write per request stalled requests under
    load), and an instance starts knowing those of the last five minutes, so a replay is refused after a
    restart too. With a database shared between hosts each request also reads it, so another instance's
    signatures are refused as well; one replayed to another instance within the milliseconds before its
    batch is written still does nothing, as the work it asks for is claimed once (SqlStore.accept_work).
    Raises StoreUnavailable if the store cannot be asked."""
    signature = request.headers.get("x-slack-signature", [None])[0]
    if request.mode != "http" or not signature:
        return False
    key = SIGNATURE + signature
    if not runtime.replay.seen.first_time(key):
        return True
    store = runtime.stores.opened
    if store is None:
        return False
    if store.shared_between_hosts and store.claimed(key):
        return True
    runtime.replay.signatures.add(key)
    return False
