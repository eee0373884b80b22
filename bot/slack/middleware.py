"""Cross-cutting concerns for every request: configuration in the context, and at-most-once events."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import App, BoltContext, BoltResponse
from slack_bolt.request import BoltRequest

from bot.runtime import Runtime
from bot.settings import Settings

log = logging.getLogger(__name__)


def register(app: App, settings: Settings, runtime: Runtime) -> None:
    def provide(context: BoltContext, next: Callable[[], BoltResponse]) -> BoltResponse:
        context["settings"] = settings
        context["runtime"] = runtime
        return next()

    app.use(provide)
    app.use(reject_replayed_requests)
    app.use(drop_duplicate_events)


def reject_replayed_requests(
    context: BoltContext, request: BoltRequest, next: Callable[[], BoltResponse]
) -> BoltResponse:
    """A signature is valid for five minutes; a second request with the same one is a replay.

    Slack's own re-deliveries (X-Slack-Retry-Num) pass on to drop_duplicate_events, which answers 200
    so that Slack stops retrying, and still never replies twice."""
    signature = request.headers.get("x-slack-signature", [None])[0]
    first_seen = (
        request.mode != "http"
        or not signature
        or request.lazy_only
        or "x-slack-retry-num" in request.headers
        or context["runtime"].store.claim(f"signature:{signature}")
    )
    if not first_seen:
        log.warning("rejected a replayed request")
        return BoltResponse(status=401, body="replayed request")
    return next()


def drop_duplicate_events(
    body: dict, context: BoltContext, request: BoltRequest, next: Callable[[], BoltResponse]
) -> BoltResponse:
    """Slack re-delivers an event it thinks we missed (X-Slack-Retry-Num); answer each event_id once."""
    event_id = body.get("event_id")
    if event_id and not request.lazy_only and not context["runtime"].store.claim(f"event:{event_id}"):
        log.info("dropping repeated event %s (retry %s)", event_id, request.headers.get("x-slack-retry-num", ["-"])[0])
        return BoltResponse(status=200, body="")
    return next()
