"""Knowledge hot reload: on SIGHUP, and whenever a file under knowledge/ (or the overlay) changes."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable

import watchfiles

from bot.runtime.state import Runtime

log = logging.getLogger(__name__)


def install_sighup(runtime: Runtime) -> None:
    """`kill -HUP <pid>` reloads; must be called from the main thread."""

    def on_hangup(_signum: int, _frame: object) -> None:
        # Reload off the signal handler: loading takes ~100 ms and must not run inside it.
        threading.Thread(target=runtime.reload, name="srm-reload", daemon=True).start()

    signal.signal(signal.SIGHUP, on_hangup)


def watch_knowledge(runtime: Runtime, on_reload: Callable[[bool], None] | None = None) -> threading.Event:
    """Reload after file changes settle; returns an event that stops the watcher when set."""
    stop = threading.Event()
    paths = [runtime.knowledge_dir] + ([runtime.overlay_path] if runtime.overlay_path else [])

    def loop() -> None:
        for changes in watchfiles.watch(*paths, stop_event=stop, yield_on_timeout=False, raise_interrupt=False):
            log.info("knowledge files changed (%d): reloading", len(changes))
            ok = runtime.reload()
            if on_reload:
                on_reload(ok)

    threading.Thread(target=loop, name="srm-knowledge-watch", daemon=True).start()
    return stop
