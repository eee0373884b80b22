"""Cross-cutting concerns for every request: context, request id, replay protection.

Nothing here touches the database: repeated events are dropped after the ack (replies.listen). Request
latency is measured by the HTTP front (web.py): a Bolt middleware's next() only marks the chain as
continuing, so it cannot time the listener."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from slack_bolt import App, BoltResponse
from slack_bolt.middleware import Middleware
from slack_bolt.request import BoltRequest

from bot.logs import REQUEST_ID
from bot.runtime import Runtime
from bot.settings import Settings

log = logging.getLogger(__name__)


class EveryRequest(Middleware):
    """A Middleware subclass rather than a function: Bolt calls it directly, whereas for a function it
    builds every injectable argument on each request, which cost more than the checks themselves."""

    def __init__(self, settings: Settings, runtime: Runtime):
        self.settings = settings
        self.runtime = runtime

    def process(self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]) -> BoltResponse | None:
        req.context["settings"] = self.settings
        req.context["runtime"] = self.runtime
        REQUEST_ID.set(request_id(req.body))
        if not req.lazy_only and is_replayed(req, self.runtime):  # lazy_only: AWS Lambda's own re-invocation
            log.warning("rejected a replayed request")
            return BoltResponse(status=401, body="replayed request")
        return next()


def register(app: App, settings: Settings, runtime: Runtime) -> None:
    app.use(EveryRequest(settings, runtime))


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
