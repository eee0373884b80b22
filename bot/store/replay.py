"""Signatures already seen by this process: a replayed request is refused (see middleware.is_replayed)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

# Bolt refuses timestamps older than five minutes, so a signature need not be kept longer.
SIGNATURE_TTL_SECONDS = 300.0
MAX_KEYS = 200_000  # ~30 MB at most


class SeenKeys:
    """An in-process set with expiry, O(1) per check: kept off the database because it is asked on
    every request, and an event replayed to another instance is still caught by the shared store."""

    def __init__(self, ttl: float = SIGNATURE_TTL_SECONDS, max_keys: int = MAX_KEYS):
        self._ttl = ttl
        self._max_keys = max_keys
        self._seen: OrderedDict[str, float] = OrderedDict()  # oldest first
        self._lock = threading.Lock()

    def first_time(self, key: str) -> bool:
        """True the first time a key is seen, False for every repeat."""
        now = time.monotonic()
        with self._lock:
            # Forget from the old end: expired keys, and the oldest when full.
            while self._seen and (
                len(self._seen) >= self._max_keys or now - next(iter(self._seen.values())) > self._ttl
            ):
                self._seen.popitem(last=False)
            if key in self._seen:
                return False
            self._seen[key] = now
            return True
