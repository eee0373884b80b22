"""Signatures already seen by this process: a replayed request is refused (see middleware.is_replayed)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

# Bolt refuses timestamps older than five minutes, so a signature need not be kept longer.
SIGNATURE_TTL_SECONDS = 300.0
BUCKET_SECONDS = 30.0


class SeenKeys:
    """An in-process set with expiry, O(1) per check; kept off the database because it is asked on
    every request (an event replayed to another instance is still caught by the shared store).

    Keys are kept as their 64-bit hashes in time buckets that are dropped whole once expired: about
    60 bytes a key, so 500 requests/s for five minutes cost ~9 MB. Two different keys sharing a hash
    (odds ~1 in 10^8 at that rate) would refuse one genuine request, never accept a replay."""

    def __init__(self, ttl: float = SIGNATURE_TTL_SECONDS, clock: Callable[[], float] = time.monotonic):
        self._buckets_kept = int(ttl // BUCKET_SECONDS) + 1
        self._clock = clock
        self._buckets: dict[int, set[int]] = {}
        self._lock = threading.Lock()

    def first_time(self, key: str) -> bool:
        """True the first time a key is seen (within the ttl), False for every repeat."""
        now = int(self._clock() // BUCKET_SECONDS)
        digest = hash(key)
        with self._lock:
            if now not in self._buckets:
                self._buckets = {b: keys for b, keys in self._buckets.items() if now - b < self._buckets_kept}
                self._buckets[now] = set()
            if any(digest in keys for keys in self._buckets.values()):
                return False
            self._buckets[now].add(digest)
            return True
