"""The shared store as the runtime holds it: open, still opening, or not asked for yet.

`srm serve --http` opens the database while the server starts listening, because slash commands need
none (start-up to the first answer is the figure in the README); Socket Mode and AWS Lambda open it
before serving; tests and one-off runs that give none get an in-memory SQLite store on first use."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.store.sql import SqlStore

IN_MEMORY = "sqlite://"  # the store when none is given: nothing written to disk


class StoreHandle:
    def __init__(self, store: SqlStore | Future[SqlStore] | None = None):
        self._store = store
        self._lock = threading.Lock()

    def get(self) -> SqlStore:
        """The store; in the first moments after start this waits for the database to open."""
        if self._store is None:
            with self._lock:
                if self._store is None:
                    from bot.store.sql import open_store

                    self._store = open_store(IN_MEMORY)
        return self._store.result() if isinstance(self._store, Future) else self._store

    @property
    def opened(self) -> SqlStore | None:
        """The store if it is open, without waiting for it."""
        store = self._store
        if isinstance(store, Future):
            return store.result() if store.done() and store.exception() is None else None
        return store

    @property
    def opening(self) -> bool:
        return isinstance(self._store, Future) and not self._store.done()

    def when_open(self, use: Callable[[SqlStore], None]) -> None:
        """Call `use` with the store once it has opened (now, if it is open); never if it fails to open."""
        store = self._store
        if isinstance(store, Future):
            store.add_done_callback(lambda opened: use(opened.result()) if opened.exception() is None else None)
        elif store is not None:
            use(store)
