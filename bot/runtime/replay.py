"""The replay guard's memory: signatures of verified requests, known in this process and claimed in the
shared store (in batches) for every instance, remembered across a restart (bot.slack.middleware asks)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.runtime.store import StoreHandle
from bot.store import SeenKeys, StoreUnavailable
from bot.store.batch import Batcher
from bot.store.replay import SIGNATURE_TTL_SECONDS

if TYPE_CHECKING:
    from bot.store.sql import SqlStore

log = logging.getLogger(__name__)

SIGNATURE = "signature:"  # the prefix of a request signature's claim


class ReplayKeys:
    def __init__(self, store: StoreHandle, bookkeeping: Callable[[Callable[[], None]], None]):
        self.seen = SeenKeys()
        # Not counted in the backlog: bookkeeping must never make the bot refuse Slack's work.
        self.signatures: Batcher[str] = Batcher(lambda batch: store.get().claim_all(batch), bookkeeping)
        store.when_open(self._remember)

    def _remember(self, store: SqlStore) -> None:
        """Signatures seen before a restart are still refused: Slack's timestamps make older ones invalid."""
        try:
            for key in store.claims_since(SIGNATURE, time.time() - SIGNATURE_TTL_SECONDS):
                self.seen.first_time(key)
        except StoreUnavailable:
            log.warning("could not read the signatures seen before this start")
