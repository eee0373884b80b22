"""Signatures already seen by this process: a replayed request is refused (see middleware.is_replayed)."""

from __future__ import annotations

import threading
import time
from array import array
from bisect import bisect_left
from collections.abc import Callable

# Bolt refuses timestamps older than five minutes, so a signature need not be kept longer.
SIGNATURE_TTL_SECONDS = 300.0
BUCKET_SECONDS = 30.0


class SeenKeys:
    """An in-process set with expiry; kept off the database because it is asked on every request (an
    event replayed to another instance is still caught by the shared store).

    Keys are kept as their 64-bit hashes in 30-second buckets, dropped whole once expired. The current
    bucket is a set; a closed one becomes a sorted array searched by bisection, 8 bytes a key instead of
    a set entry's ~60. Two different keys sharing a hash would refuse one genuine request, never accept
    a replay."""

    def __init__(self, ttl: float = SIGNATURE_TTL_SECONDS, clock: Callable[[], float] = time.monotonic):
        self._buckets_kept = int(ttl // BUCKET_SECONDS) + 1
        self._clock = clock
        self._bucket = int(clock() // BUCKET_SECONDS)
        self._current: set[int] = set()
        self._closed: dict[int, array[int]] = {}  # bucket -> sorted hashes
        self._lock = threading.Lock()

    def first_time(self, key: str) -> bool:
        """True the first time a key is seen (within the ttl), False for every repeat."""
        now = int(self._clock() // BUCKET_SECONDS)
        digest = hash(key)
        with self._lock:
            if now != self._bucket:
                self._close_bucket(now)
            if digest in self._current or any(_holds(hashes, digest) for hashes in self._closed.values()):
                return False
            self._current.add(digest)
            return True

    def __len__(self) -> int:
        return len(self._current) + sum(map(len, self._closed.values()))

    def _close_bucket(self, now: int) -> None:
        if self._current:
            self._closed[self._bucket] = array("q", sorted(self._current))
        self._closed = {b: hashes for b, hashes in self._closed.items() if now - b < self._buckets_kept}
        self._bucket, self._current = now, set()


def _holds(sorted_hashes: array[int], digest: int) -> bool:
    i = bisect_left(sorted_hashes, digest)
    return i < len(sorted_hashes) and sorted_hashes[i] == digest
