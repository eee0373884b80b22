"""The knowledge being served: the current snapshot, swapped whole on reload, and what triggers a reload
(SIGHUP, and any change of a file under knowledge/ or the overlay)."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from pathlib import Path

import watchfiles

from bot import metrics
from bot.knowledge.loader import KnowledgeError
from bot.runtime.heap import freeze_heap
from bot.runtime.snapshot import Snapshot

log = logging.getLogger(__name__)


class LiveKnowledge:
    """The snapshot every request reads; a reload replaces it whole, so readers never see a mix."""

    def __init__(self, snapshot: Snapshot, overlay_path: Path | None = None):
        self.directory = snapshot.knowledge.directory
        self.overlay_path = overlay_path
        self._reload_lock = threading.Lock()
        self._swap_in(snapshot)

    def _swap_in(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        metrics.SERVICES.set(len(snapshot.knowledge.services))

    def reload(self) -> bool:
        """Load knowledge/ again; on any problem log it and keep answering from the last good snapshot."""
        with self._reload_lock:
            try:
                snapshot = Snapshot.load(self.directory, self.overlay_path)
            except KnowledgeError as exc:
                for problem in exc.problems:
                    log.error("knowledge reload rejected: %s", problem)
                metrics.RELOADS.labels(result="rejected").inc()
                return False
            self._swap_in(snapshot)
            freeze_heap(collect_first=True)  # the old snapshot's cycles, if any, are collected once
            metrics.RELOADS.labels(result="loaded").inc()
            log.info("knowledge reloaded: %d services", len(snapshot.knowledge.services))
            return True


def install_sighup(knowledge: LiveKnowledge) -> None:
    """`kill -HUP <pid>` reloads; must be called from the main thread."""

    def on_hangup(_signum: int, _frame: object) -> None:
        # Reload off the signal handler: loading takes ~100 ms and must not run inside it.
        threading.Thread(target=knowledge.reload, name="srm-reload", daemon=True).start()

    signal.signal(signal.SIGHUP, on_hangup)


def watch_knowledge(knowledge: LiveKnowledge, on_reload: Callable[[bool], None] | None = None) -> threading.Event:
    """Reload after file changes settle; returns an event that stops the watcher when set."""
    stop = threading.Event()
    paths = [knowledge.directory] + ([knowledge.overlay_path] if knowledge.overlay_path else [])

    def loop() -> None:
        for changes in watchfiles.watch(*paths, stop_event=stop, yield_on_timeout=False, raise_interrupt=False):
            log.info("knowledge files changed (%d): reloading", len(changes))
            ok = knowledge.reload()
            if on_reload:
                on_reload(ok)

    threading.Thread(target=loop, name="srm-knowledge-watch", daemon=True).start()
    return stop
