"""Run modes: Socket Mode, or HTTP on uvicorn (a production ASGI server, not Bolt's dev server)."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import itertools
import logging
import os
import sys
import threading
import time
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING

import uvicorn
from slack_bolt import App, BoltRequest
from slack_bolt.adapter.socket_mode import SocketModeHandler
from starlette.applications import Starlette
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from bot.healthcheck import CONNECTION_FILE
from bot.runtime.heap import freeze_heap, limit_malloc_arenas
from bot.runtime.knowledge import install_sighup, watch_knowledge
from bot.runtime.snapshot import Snapshot
from bot.runtime.state import Runtime
from bot.runtime.work import RECOVERED
from bot.settings import Settings, SettingsError
from bot.slack.app import create_app
from bot.store import StoreError
from bot.web import create_web_app

if TYPE_CHECKING:
    from types import FrameType

    from bot.store.sql import SqlStore

log = logging.getLogger(__name__)

# How often the Socket Mode client checks that the connection is alive (and reconnects if not).
PING_INTERVAL_SECONDS = 5
GIL_SWITCH_INTERVAL_SECONDS = 0.001
# Idle keep-alive connections are closed after this; a request must arrive whole within REQUEST_SECONDS.
KEEP_ALIVE_SECONDS = 5
REQUEST_SECONDS = 10  # from a connection's opening (or its last response) until a request has fully arrived
CHECKPOINT_SECONDS = 1.0  # a SQLite store's log is copied into the database this often (SqlStore.checkpoint)


def socket_mode_handler(settings: Settings, runtime: Runtime) -> SocketModeHandler:
    """Bolt's Socket Mode handler; it reconnects by itself when the WebSocket drops."""
    if not settings.app_token:
        raise SettingsError("Socket Mode needs SLACK_APP_TOKEN (xapp-...); or use --http with SLACK_SIGNING_SECRET")
    return SocketModeHandler(create_app(settings, runtime), settings.app_token, ping_interval=PING_INTERVAL_SECONDS)


def serve_socket_mode(settings: Settings, snapshot: Snapshot) -> None:
    from bot.store.sql import open_store

    limit_malloc_arenas()
    store = open_store(settings.database_url, timeout=settings.store_timeout, checkpoint_later=True)
    runtime = _runtime(settings, snapshot, store)
    handler = socket_mode_handler(settings, runtime)
    install_sighup(runtime.live_knowledge)
    watch_knowledge(runtime.live_knowledge)
    start_upkeep(runtime, handler.app, settings.work_lease_seconds)
    freeze_heap()
    log.info("srm-bot connecting to Slack in Socket Mode")
    watch_connection(handler, CONNECTION_FILE)
    handler.start()


def watch_connection(handler: SocketModeHandler, path: Path, interval: float = PING_INTERVAL_SECONDS) -> None:
    """While the WebSocket is connected, keep `path` saying so for the next three intervals; the health
    probe (bot.healthcheck) fails once that runs out."""

    def beat() -> None:
        while True:
            if handler.client.is_connected():
                with contextlib.suppress(OSError):
                    path.write_text(f"{time.time() + 3 * interval:.3f}")
            time.sleep(interval)

    threading.Thread(target=beat, name="srm-connection", daemon=True).start()


def serve_http(settings: Settings, snapshot: Snapshot, host: str, port: int) -> None:
    if not settings.signing_secret:
        raise SettingsError("HTTP mode needs SLACK_SIGNING_SECRET")
    limit_malloc_arenas()
    # The database opens, and the file watcher starts, as the server starts listening: slash commands
    # need neither, and events wait for the store. With OAuth the installations are part of the app,
    # so the database opens first.
    store: Future[SqlStore] = Future()
    if settings.oauth:
        _open_store(settings, store)
        store.result()  # raises StoreError: nothing to serve without installations
    runtime = _runtime(settings, snapshot, store)
    app = create_app(settings, runtime)

    def on_startup() -> None:
        freeze_heap()
        install_sighup(runtime.live_knowledge)
        threading.Thread(
            target=_open_store_then_watch, args=(settings, store, runtime, app), name="srm-start", daemon=True
        ).start()

    def on_shutdown() -> None:
        runtime.work.drain(settings.drain_seconds)

    web = create_web_app(app, runtime, on_startup, on_shutdown, max_body_bytes=settings.max_body_bytes)
    # Requests run on the event loop, Web API calls on worker threads: hand the GIL over sooner than
    # Python's default 5 ms so a worker's post never holds the loop's next request for long.
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_SECONDS)
    server = DrainingServer(http_config(web, host, port), runtime)
    store.add_done_callback(lambda done: _stop_if_failed(done, server))
    log.info("srm-bot serving HTTP on %s:%d", host, port)
    server.run()
    if store.done() and store.exception():
        raise store.exception()  # type: ignore[misc]
    if runtime.backlog:
        # What is still running (a Web API call) was handed over in drain(): do not wait for it.
        logging.shutdown()
        os._exit(0)


def http_config(web: Starlette, host: str, port: int, request_seconds: float = REQUEST_SECONDS) -> uvicorn.Config:
    """uvicorn's settings for srm-bot: no access log (Slack retries are logged by the bot), idle
    connections closed after KEEP_ALIVE_SECONDS, and each request must arrive whole within
    `request_seconds` (BoundedRequests). No WebSocket protocol: Slack never opens one, and uvicorn's
    default loads the websockets library for it."""
    protocol = type("BoundedRequests", (BoundedRequests,), {"request_seconds": request_seconds})
    return uvicorn.Config(
        web,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        http=protocol,
        ws="none",
    )


class BoundedRequests(HttpToolsProtocol):
    """uvicorn's HTTP protocol with a deadline for each request to arrive whole: a client sending its
    headers or body slowly, or stopping half-way, is disconnected (uvicorn alone times out only idle
    keep-alive connections, so 5,000 half-sent requests held 63 MB)."""

    request_seconds: float = REQUEST_SECONDS
    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # type: ignore[arg-type]
        self._arm()

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm()  # the next request on this connection

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self.request_seconds, self._expire)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expire(self) -> None:
        if not self.transport.is_closing():
            self.transport.close()


class DrainingServer(uvicorn.Server):
    """On SIGTERM (or Ctrl-C) the instance first refuses new Slack work with 503 and fails /healthz, so
    Slack and the load balancer go elsewhere, then stops as uvicorn does and drains (web.on_shutdown)."""

    def __init__(self, config: uvicorn.Config, runtime: Runtime):
        super().__init__(config)
        self.runtime = runtime

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if not self.runtime.work.draining:
            log.info("stopping: new Slack work is refused; finishing queued work")
        self.runtime.work.draining = True
        super().handle_exit(sig, frame)


def _runtime(settings: Settings, snapshot: Snapshot, store: SqlStore | Future[SqlStore]) -> Runtime:
    return Runtime(
        snapshot,
        settings.overlay_path,
        store,
        max_backlog=settings.max_backlog,
        work_lease=settings.work_lease_seconds,
    )


def start_upkeep(runtime: Runtime, app: App, lease_seconds: float) -> threading.Thread:
    """A thread that every third of a lease checks the store, renews this instance's work and takes up
    work left by an instance that stopped (also at start: a restart picks up what it left); and every
    second checkpoints a SQLite store (and checks a failing store again, so it recovers within a second)."""

    def dispatch(key: str, body: dict) -> None:
        # mode="socket_mode": Bolt checks no signature; the request was verified when it was first acked.
        request = BoltRequest(body=body, mode="socket_mode", context={RECOVERED: key})
        contextvars.copy_context().run(app.dispatch, request)  # its request id stays its own

    def loop() -> None:
        for tick in itertools.count():
            try:
                store = runtime.stores.opened
                if tick % rounds == 0 or (store is not None and not store.healthy):  # a failing store: every second
                    runtime.work.keep_up(dispatch)
                if store is not None:
                    store.checkpoint()
            except Exception:
                log.exception("store upkeep failed")
            time.sleep(CHECKPOINT_SECONDS)

    rounds = max(1, round(lease_seconds / 3 / CHECKPOINT_SECONDS))
    thread = threading.Thread(target=loop, name="srm-upkeep", daemon=True)
    thread.start()
    return thread


def _open_store_then_watch(settings: Settings, future: Future[SqlStore], runtime: Runtime, app: App) -> None:
    if not future.done():
        _open_store(settings, future)
    if future.exception() is None:
        freeze_heap()  # SQLAlchemy's objects too
        watch_knowledge(runtime.live_knowledge)
        start_upkeep(runtime, app, settings.work_lease_seconds)


def _open_store(settings: Settings, future: Future[SqlStore]) -> None:
    from bot.store.sql import open_store  # SQLAlchemy's import, too, off the start-up path

    try:
        future.set_result(open_store(settings.database_url, timeout=settings.store_timeout, checkpoint_later=True))
    except StoreError as exc:
        future.set_exception(exc)


def _stop_if_failed(done: Future[SqlStore], server: uvicorn.Server) -> None:
    if done.exception() is not None:
        log.critical("%s", done.exception())
        server.should_exit = True
