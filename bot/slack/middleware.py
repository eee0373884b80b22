"""Cross-cutting concerns for every request: context, request id, timing, replay protection.

Nothing here touches the database: repeated events are dropped after the ack (replies.listen)."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable

from slack_bolt import App, BoltContext, BoltResponse
from slack_bolt.request import BoltRequest

from bot import metrics
from bot.logs import REQUEST_ID
from bot.runtime import Runtime
from bot.settings import Settings

log = logging.getLogger(__name__)


def register(app: App, settings: Settings, runtime: Runtime) -> None:
    # One middleware, not three: Bolt's per-middleware argument injection costs more than the checks.
    def every_request(
        body: dict, context: BoltContext, request: BoltRequest, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        started = time.perf_counter()
        context["settings"] = settings
        context["runtime"] = runtime
        REQUEST_ID.set(request_id(body))
        if request.lazy_only:
            return next()  # a lazy listener's own invocation (AWS Lambda) of a request already let through
        if is_replayed(request, runtime):
            log.warning("rejected a replayed request")
            return BoltResponse(status=401, body="replayed request")
        response = next()
        metrics.REQUEST_SECONDS.labels(kind=_kind(body)).observe(time.perf_counter() - started)
        return response

    app.use(every_request)


def request_id(body: dict) -> str:
    """Slack's own id where there is one, so a log line can be traced to the event Slack sent."""
    return str(body.get("event_id") or body.get("trigger_id") or uuid.uuid4().hex[:16])


def is_replayed(request: BoltRequest, runtime: Runtime) -> bool:
    """A signature is valid for five minutes; a second request with the same one is a replay.

    Slack's own re-deliveries (X-Slack-Retry-Num) are let through and answered 200, so that Slack stops
    retrying; their work is skipped after the ack (replies.listen), so they never reply twice."""
    signature = request.headers.get("x-slack-signature", [None])[0]
    if request.mode != "http" or not signature or "x-slack-retry-num" in request.headers:
        return False
    return not runtime.seen.first_time(f"signature:{signature}")


def _kind(body: dict) -> str:
    if "command" in body:
        return "command"
    return "event" if "event" in body else str(body.get("type") or "other")
