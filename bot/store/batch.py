"""Write-behind batches: records noted on the request path are written by one flush at a time, and
everything that arrived while a write was running goes into the next one: under load, one transaction
for many records instead of one each."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Batcher(Generic[T]):
    def __init__(self, write: Callable[[list[T]], None], schedule: Callable[[Callable[[], None]], None]):
        """`write` stores a batch; `schedule` runs a flush later (on a worker thread, or inline)."""
        self._write = write
        self._schedule = schedule
        self._lock = threading.Lock()
        self._pending: list[T] = []
        self._flushing = False

    def add(self, item: T) -> None:
        with self._lock:
            self._pending.append(item)
            if self._flushing:
                return  # the running flush takes it
            self._flushing = True
        self._schedule(self._flush)

    def _flush(self) -> None:
        try:
            while batch := self._take():  # an empty take ends this flush
                self._write(batch)
        except BaseException:
            with self._lock:
                self._flushing = False  # a later add schedules the rest
            raise

    def _take(self) -> list[T]:
        with self._lock:
            batch, self._pending = self._pending, []
            if not batch:
                self._flushing = False
            return batch
