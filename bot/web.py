"""The HTTP front: POST /slack/events for everything Slack sends, GET /healthz for probes, GET /metrics
for Prometheus, and with OAuth configured GET /slack/install and /slack/oauth_redirect."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot import metrics
from bot.runtime import Runtime


def create_web_app(app: App, runtime: Runtime | None = None, on_startup: Callable[[], None] | None = None) -> Starlette:
    """The ASGI app uvicorn serves; without a runtime (a bare Bolt app) /healthz reports only 'ok'.
    `on_startup` runs as the server starts (before it listens), and must not block."""

    async def slack_events(request: Request) -> Response:
        body = await request.body()
        started = time.perf_counter()
        # Dispatch runs on the event loop: every listener acks at once and leaves Web API calls to the
        # runtime's worker threads, so no request waits on Slack and a thread hop would only cost time.
        bolt_request = to_bolt_request(request, body)
        response = app.dispatch(bolt_request)
        if runtime is not None:  # the bare app measured beside srm-bot does no work, not even this
            metrics.observe_request(bolt_request.body, time.perf_counter() - started)
        return to_starlette_response(response)

    async def healthz(_request: Request) -> Response:
        services = len(runtime.snapshot.knowledge.services) if runtime else None
        return JSONResponse({"status": "ok", "services": services})

    async def prometheus(_request: Request) -> Response:
        body, content_type = metrics.exposition()
        return Response(body, media_type=content_type)

    routes = [
        Route("/slack/events", slack_events, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/metrics", prometheus, methods=["GET"]),
    ]
    flow = app.oauth_flow
    if flow is not None:
        routes += [
            Route(flow.install_path, _off_the_loop(flow.handle_installation), methods=["GET"]),
            Route(flow.redirect_uri_path, _off_the_loop(flow.handle_callback), methods=["GET"]),
        ]

    @contextlib.asynccontextmanager
    async def lifespan(_web: Starlette) -> AsyncIterator[None]:
        if on_startup is not None:
            on_startup()
        yield

    return Starlette(routes=routes, lifespan=lifespan)


def _off_the_loop(handle: Callable[[BoltRequest], BoltResponse]) -> Callable[[Request], Awaitable[Response]]:
    """A route for one step of the install flow, which talks to the database and to Slack: it runs on
    a worker thread, off the event loop."""

    async def route(request: Request) -> Response:
        bolt_request = to_bolt_request(request, await request.body())
        return to_starlette_response(await run_in_threadpool(handle, bolt_request))

    return route
