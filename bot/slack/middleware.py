"""Cross-cutting concerns for every request: configuration in the context, and at-most-once events."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import App, BoltContext, BoltResponse
from slack_bolt.request import BoltRequest

from bot.runtime import Runtime
from bot.settings import Settings
from bot.stores import Store

log = logging.getLogger(__name__)


def register(app: App, settings: Settings, runtime: Runtime) -> None:
    # One middleware, not three: Bolt's per-middleware argument injection costs more than the checks.
    def every_request(
        body: dict, context: BoltContext, request: BoltRequest, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        context["settings"] = settings
        context["runtime"] = runtime
        if is_replayed(request, runtime.store):
            log.warning("rejected a replayed request")
            return BoltResponse(status=401, body="replayed request")
        if is_repeated_event(body, runtime.store):
            log.info("dropping repeated event %s (retry %s)", body.get("event_id"), _retry_num(request))
            return BoltResponse(status=200, body="")
        return next()

    app.use(every_request)


def is_replayed(request: BoltRequest, store: Store) -> bool:
    """A signature is valid for five minutes; a second request with the same one is a replay.

    Slack's own re-deliveries (X-Slack-Retry-Num) are left to is_repeated_event, which answers 200
    so that Slack stops retrying, and still never replies twice."""
    signature = request.headers.get("x-slack-signature", [None])[0]
    if request.mode != "http" or not signature or "x-slack-retry-num" in request.headers:
        return False
    return not store.claim(f"signature:{signature}")


def is_repeated_event(body: dict, store: Store) -> bool:
    """Slack re-delivers an event it thinks we missed; each event_id is handled once."""
    event_id = body.get("event_id")
    return bool(event_id) and not store.claim(f"event:{event_id}")


def _retry_num(request: BoltRequest) -> str:
    return request.headers.get("x-slack-retry-num", ["-"])[0]
