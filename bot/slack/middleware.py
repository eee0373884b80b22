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
    app.use(drop_duplicate_events)


def drop_duplicate_events(
    body: dict, context: BoltContext, request: BoltRequest, next: Callable[[], BoltResponse]
) -> BoltResponse:
    """Slack re-delivers an event it thinks we missed (X-Slack-Retry-Num); answer each event_id once."""
    event_id = body.get("event_id")
    if event_id and not request.lazy_only and not context["runtime"].store.claim(f"event:{event_id}"):
        log.info("dropping repeated event %s (retry %s)", event_id, request.headers.get("x-slack-retry-num", ["-"])[0])
        return BoltResponse(status=200, body="")
    return next()
