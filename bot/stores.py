"""Where the bot remembers things: answered events (to never reply twice) and feedback clicks."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Protocol

DEDUPE_TTL_SECONDS = 3600.0
MAX_KEYS = 200_000  # ~30 MB at most; Slack retries within minutes, so an hour of keys is plenty


@dataclass(frozen=True)
class Feedback:
    user: str
    service: str | None
    topic: str | None
    helpful: bool


class Store(Protocol):
    def claim(self, key: str) -> bool:
        """True the first time a key is seen, False for every repeat (retries, duplicate events)."""
        ...

    def record_feedback(self, feedback: Feedback) -> None: ...


class MemoryStore:
    """In-process store: right for one instance; several instances need a shared store."""

    def __init__(self, ttl: float = DEDUPE_TTL_SECONDS, max_keys: int = MAX_KEYS):
        self._ttl = ttl
        self._max_keys = max_keys
        self._seen: OrderedDict[str, float] = OrderedDict()  # oldest first
        self._lock = threading.Lock()
        self.feedback: list[Feedback] = []

    def claim(self, key: str) -> bool:
        now = time.monotonic()
        with self._lock:
            # Forget from the old end: expired keys, and the oldest when full. O(1) per claim.
            while self._seen and (
                len(self._seen) >= self._max_keys or now - next(iter(self._seen.values())) > self._ttl
            ):
                self._seen.popitem(last=False)
            if key in self._seen:
                return False
            self._seen[key] = now
            return True

    def record_feedback(self, feedback: Feedback) -> None:
        with self._lock:
            self.feedback.append(feedback)
