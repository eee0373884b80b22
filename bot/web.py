"""The HTTP front: POST /slack/events for everything Slack sends, GET /healthz for probes."""

from __future__ import annotations

from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.runtime import Runtime


def create_web_app(app: App, runtime: Runtime | None = None) -> Starlette:
    """The ASGI app uvicorn serves; without a runtime (a bare Bolt app) /healthz reports only 'ok'."""

    async def slack_events(request: Request) -> Response:
        body = await request.body()
        # Dispatch runs on the event loop: every listener acks at once and leaves Web API calls to the
        # runtime's worker threads, so no request waits on Slack and a thread hop would only cost time.
        return to_starlette_response(app.dispatch(to_bolt_request(request, body)))

    async def healthz(_request: Request) -> Response:
        services = len(runtime.snapshot.knowledge.services) if runtime else None
        return JSONResponse({"status": "ok", "services": services})

    return Starlette(
        routes=[
            Route("/slack/events", slack_events, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ]
    )
