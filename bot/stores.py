"""Where the bot remembers things: answered events (to never reply twice) and feedback clicks."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Protocol

DEDUPE_TTL_SECONDS = 3600.0


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

    def __init__(self, ttl: float = DEDUPE_TTL_SECONDS):
        self._ttl = ttl
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()
        self.feedback: list[Feedback] = []

    def claim(self, key: str) -> bool:
        now = time.monotonic()
        with self._lock:
            if len(self._seen) > 10_000:
                self._seen = {k: t for k, t in self._seen.items() if now - t < self._ttl}
            seen_at = self._seen.get(key)
            if seen_at is not None and now - seen_at < self._ttl:
                return False
            self._seen[key] = now
            return True

    def record_feedback(self, feedback: Feedback) -> None:
        with self._lock:
            self.feedback.append(feedback)
