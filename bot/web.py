"""The HTTP front: POST /slack/events for everything Slack sends, GET /healthz for probes, GET /metrics
for Prometheus, and with OAuth configured GET /slack/install and /slack/oauth_redirect.

A Slack request is checked here, cheaply and in this order, before Bolt sees it: its size while it is
read, its signature and timestamp on the raw bytes, then that it parses into a payload. Whatever fails
gets a 4xx and one rate-limited log line; nothing from the request is logged."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_sdk.signature import SignatureVerifier
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from bot import metrics
from bot.logs import RejectionLog
from bot.runtime.state import Runtime
from bot.runtime.work import STORE_FAILED
from bot.settings import DEFAULT_MAX_BODY_BYTES

log = logging.getLogger(__name__)


class Rejected(Exception):
    """A request refused before Bolt sees it: the status to answer and a short reason for the counts."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


def create_web_app(
    app: App,
    runtime: Runtime,
    on_startup: Callable[[], None] | None = None,
    on_shutdown: Callable[[], None] | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> Starlette:
    """The ASGI app uvicorn serves. `on_startup` runs as the server starts (before it listens), and must
    not block; `on_shutdown` runs once the server has stopped accepting requests."""
    # The app's own secret (Bolt keeps it private): the same check as Bolt's, made before Bolt parses.
    secret = getattr(app, "_signing_secret", None)
    if not secret:
        raise ValueError("the HTTP front needs the app's signing secret (SLACK_SIGNING_SECRET)")
    verifier = SignatureVerifier(secret)
    rejections = RejectionLog(log)

    async def slack_events(request: Request) -> Response:
        started = time.perf_counter()
        try:
            if refusal := runtime.refusal():
                raise Rejected(503, refusal)
            raw = await _read_capped(request, max_body_bytes)
            bolt_request = _verified(request, raw, verifier)
        except Rejected as rejected:
            metrics.REJECTED.labels(reason=rejected.reason).inc()
            rejections.note(rejected.reason)
            return PlainTextResponse(rejected.reason, status_code=rejected.status)
        if "command" in bolt_request.body and not runtime.reads_store_per_request:
            # On the event loop: a slash command's reply is computed in the ack, touching no database
            # (a thread hop would only cost time).
            response = app.dispatch(bolt_request)
        else:
            # On a thread: the replay guard and the record of acked work use the database, which must
            # never stall the event loop (and with it /healthz and every other request).
            response = await run_in_threadpool(app.dispatch, bolt_request)
        if bolt_request.context.get(STORE_FAILED):  # its work could not be recorded: not acked after all
            return PlainTextResponse("store unavailable; Slack will retry", status_code=503)
        metrics.observe_request(bolt_request.body, time.perf_counter() - started)
        return to_starlette_response(response)

    async def healthz(_request: Request) -> Response:
        services = len(runtime.snapshot.knowledge.services)
        problem = runtime.readiness()
        if problem:  # not ready (store opening), store failing, or draining: take no traffic
            return JSONResponse({"status": problem, "services": services}, status_code=503)
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
        if on_shutdown is not None:
            await run_in_threadpool(on_shutdown)

    return Starlette(routes=routes, lifespan=lifespan)


async def _read_capped(request: Request, limit: int) -> bytes:
    """The body, refused (413) as soon as it is known to be larger than `limit`: from Content-Length
    before reading anything, or while reading a body sent without one."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise Rejected(413 if declared.isdigit() else 400, "too_large" if declared.isdigit() else "malformed")
    chunks, size = [], 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise Rejected(413, "too_large")
            chunks.append(chunk)
    except ClientDisconnect:  # the client went, or was cut off for sending too slowly (serve.BoundedRequests)
        raise Rejected(408, "incomplete") from None
    return b"".join(chunks)


def _verified(request: Request, raw: bytes, verifier: SignatureVerifier) -> BoltRequest:
    """Bolt's request for a body whose signature and timestamp hold, and which parses into a payload."""
    timestamp = request.headers.get("x-slack-request-timestamp", "")
    signature = request.headers.get("x-slack-signature", "")
    if not timestamp.isdigit() or not signature.startswith("v0="):
        raise Rejected(401, "unsigned")
    try:
        body = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Rejected(400, "malformed") from None
    if not verifier.is_valid(body, timestamp, signature):
        raise Rejected(401, "bad_signature")
    try:
        bolt_request = BoltRequest(body=body, query=request.query_params, headers=request.headers)  # type: ignore[arg-type]
    except Exception:  # not JSON, or JSON that is not an object ('null', '[]'): Bolt cannot read it
        raise Rejected(400, "malformed") from None
    if not isinstance(bolt_request.body, dict) or not bolt_request.body:
        raise Rejected(400, "malformed")
    return bolt_request


def _off_the_loop(handle: Callable[[BoltRequest], BoltResponse]) -> Callable[[Request], Awaitable[Response]]:
    """A route for one step of the install flow, which talks to the database and to Slack: it runs on
    a worker thread, off the event loop."""

    async def route(request: Request) -> Response:
        bolt_request = to_bolt_request(request, await request.body())
        return to_starlette_response(await run_in_threadpool(handle, bolt_request))

    return route
