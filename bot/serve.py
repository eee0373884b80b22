"""Run modes: Socket Mode, or HTTP on uvicorn (a production ASGI server, not Bolt's dev server)."""

from __future__ import annotations

import contextvars
import itertools
import logging
import os
import sys
import threading
import time
from concurrent.futures import Future
from typing import TYPE_CHECKING

import uvicorn
from slack_bolt import App, BoltRequest
from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.heap import freeze_heap, limit_malloc_arenas
from bot.reload import install_sighup, watch_knowledge
from bot.runtime import RECOVERED, Runtime, Snapshot
from bot.settings import Settings, SettingsError
from bot.slack.app import create_app
from bot.store import StoreError

if TYPE_CHECKING:
    from types import FrameType

    from bot.store.sql import SqlStore
from bot.web import create_web_app

log = logging.getLogger(__name__)

# How often the Socket Mode client checks that the connection is alive (and reconnects if not).
PING_INTERVAL_SECONDS = 5
GIL_SWITCH_INTERVAL_SECONDS = 0.001
# Idle keep-alive connections are closed after this; a request's body must arrive within REQUEST_SECONDS.
KEEP_ALIVE_SECONDS = 5
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
    install_sighup(runtime)
    watch_knowledge(runtime)
    start_upkeep(runtime, handler.app, settings.work_lease_seconds)
    freeze_heap()
    log.info("srm-bot connecting to Slack in Socket Mode")
    handler.start()


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
        install_sighup(runtime)
        threading.Thread(target=_open_store_then_watch, args=(settings, store, runtime, app),
                         name="srm-start", daemon=True).start()  # fmt: skip

    def on_shutdown() -> None:
        runtime.drain(settings.drain_seconds)

    web = create_web_app(app, runtime, on_startup, on_shutdown, max_body_bytes=settings.max_body_bytes)
    # Requests run on the event loop, Web API calls on worker threads: hand the GIL over sooner than
    # Python's default 5 ms so a worker's post never holds the loop's next request for long.
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_SECONDS)
    config = uvicorn.Config(
        web, host=host, port=port, log_config=None, access_log=False, timeout_keep_alive=KEEP_ALIVE_SECONDS
    )
    server = DrainingServer(config, runtime)
    store.add_done_callback(lambda done: _stop_if_failed(done, server))
    log.info("srm-bot serving HTTP on %s:%d", host, port)
    server.run()
    if store.done() and store.exception():
        raise store.exception()  # type: ignore[misc]
    if runtime.backlog:
        # What is still running (a Web API call) was handed over in drain(): do not wait for it.
        logging.shutdown()
        os._exit(0)


class DrainingServer(uvicorn.Server):
    """On SIGTERM (or Ctrl-C) the instance first refuses new Slack work with 503 and fails /healthz, so
    Slack and the load balancer go elsewhere, then stops as uvicorn does and drains (web.on_shutdown)."""

    def __init__(self, config: uvicorn.Config, runtime: Runtime):
        super().__init__(config)
        self.runtime = runtime

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if not self.runtime.draining:
            log.info("stopping: new Slack work is refused; finishing queued work")
        self.runtime.draining = True
        super().handle_exit(sig, frame)


def _runtime(settings: Settings, snapshot: Snapshot, store: SqlStore | Future[SqlStore]) -> Runtime:
    return Runtime(
        snapshot, settings.overlay_path, store, max_backlog=settings.max_backlog,
        work_lease=settings.work_lease_seconds,
    )  # fmt: skip


def start_upkeep(runtime: Runtime, app: App, lease_seconds: float) -> threading.Thread:
    """A thread that every third of a lease checks the store, renews this instance's work and takes up
    work left by an instance that stopped (also at start: a restart picks up what it left); and every
    second checkpoints a SQLite store."""

    def dispatch(key: str, body: dict) -> None:
        # mode="socket_mode": Bolt checks no signature; the request was verified when it was first acked.
        request = BoltRequest(body=body, mode="socket_mode", context={RECOVERED: key})
        contextvars.copy_context().run(app.dispatch, request)  # its request id stays its own

    def loop() -> None:
        for tick in itertools.count():
            try:
                if tick % rounds == 0:
                    runtime.keep_up(dispatch)
                if store := runtime.open_store:
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
        watch_knowledge(runtime)
        start_upkeep(runtime, app, settings.work_lease_seconds)


def _open_store(settings: Settings, future: Future[SqlStore]) -> None:
    from bot.store.sql import open_store  # SQLAlchemy's import, too, off the start-up path

    try:
        future.set_result(open_store(settings.database_url, timeout=settings.store_timeout, checkpoint_later=True))
    except StoreError as exc:
        future.set_exception(exc)


def _stop_if_failed(done: Future[SqlStore], server: object) -> None:
    if done.exception() is not None:
        log.critical("%s", done.exception())
        server.should_exit = True  # type: ignore[attr-defined]
