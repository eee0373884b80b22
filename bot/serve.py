"""Run modes: Socket Mode, or HTTP on uvicorn (a production ASGI server, not Bolt's dev server)."""

from __future__ import annotations

import logging
import sys
import threading
from concurrent.futures import Future
from typing import TYPE_CHECKING

from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.heap import freeze_heap, limit_malloc_arenas
from bot.reload import install_sighup, watch_knowledge
from bot.runtime import Runtime, Snapshot
from bot.settings import Settings, SettingsError
from bot.slack.app import create_app
from bot.store import StoreError

if TYPE_CHECKING:
    from bot.store.sql import SqlStore
from bot.web import create_web_app

log = logging.getLogger(__name__)

# How often the Socket Mode client checks that the connection is alive (and reconnects if not).
PING_INTERVAL_SECONDS = 5
GIL_SWITCH_INTERVAL_SECONDS = 0.001


def socket_mode_handler(settings: Settings, runtime: Runtime) -> SocketModeHandler:
    """Bolt's Socket Mode handler; it reconnects by itself when the WebSocket drops."""
    if not settings.app_token:
        raise SettingsError("Socket Mode needs SLACK_APP_TOKEN (xapp-...); or use --http with SLACK_SIGNING_SECRET")
    return SocketModeHandler(create_app(settings, runtime), settings.app_token, ping_interval=PING_INTERVAL_SECONDS)


def serve_socket_mode(settings: Settings, snapshot: Snapshot) -> None:
    from bot.store.sql import open_store

    limit_malloc_arenas()
    runtime = Runtime(
        snapshot, settings.overlay_path, open_store(settings.database_url), max_backlog=settings.max_backlog
    )
    handler = socket_mode_handler(settings, runtime)
    install_sighup(runtime)
    watch_knowledge(runtime)
    freeze_heap()
    log.info("srm-bot connecting to Slack in Socket Mode")
    handler.start()


def serve_http(settings: Settings, snapshot: Snapshot, host: str, port: int) -> None:
    import uvicorn

    if not settings.signing_secret:
        raise SettingsError("HTTP mode needs SLACK_SIGNING_SECRET")
    limit_malloc_arenas()
    # The database opens, and the file watcher starts, as the server starts listening: slash commands
    # need neither, and events wait for the store. With OAuth the installations are part of the app,
    # so the database opens first.
    store: Future[SqlStore] = Future()
    if settings.oauth:
        _open_store(settings.database_url, store)
        store.result()  # raises StoreError: nothing to serve without installations
    runtime = Runtime(snapshot, settings.overlay_path, store, max_backlog=settings.max_backlog)

    def on_startup() -> None:
        freeze_heap()
        install_sighup(runtime)
        threading.Thread(target=_open_store_then_watch, args=(settings.database_url, store, runtime),
                         name="srm-start", daemon=True).start()  # fmt: skip

    web = create_web_app(create_app(settings, runtime), runtime, on_startup=on_startup)
    # Requests run on the event loop, Web API calls on worker threads: hand the GIL over sooner than
    # Python's default 5 ms so a worker's post never holds the loop's next request for long.
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_SECONDS)
    server = uvicorn.Server(uvicorn.Config(web, host=host, port=port, log_config=None, access_log=False))
    store.add_done_callback(lambda done: _stop_if_failed(done, server))
    log.info("srm-bot serving HTTP on %s:%d", host, port)
    server.run()
    if store.done() and store.exception():
        raise store.exception()  # type: ignore[misc]


def _open_store_then_watch(url: str, future: Future[SqlStore], runtime: Runtime) -> None:
    if not future.done():
        _open_store(url, future)
    if future.exception() is None:
        freeze_heap()  # SQLAlchemy's objects too
        watch_knowledge(runtime)


def _open_store(url: str, future: Future[SqlStore]) -> None:
    from bot.store.sql import open_store  # SQLAlchemy's import, too, off the start-up path

    try:
        future.set_result(open_store(url))
    except StoreError as exc:
        future.set_exception(exc)


def _stop_if_failed(done: Future[SqlStore], server: object) -> None:
    if done.exception() is not None:
        log.critical("%s", done.exception())
        server.should_exit = True  # type: ignore[attr-defined]
