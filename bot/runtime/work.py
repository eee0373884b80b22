"""Work done after the ack: a thread pool with a bounded backlog (beyond it new Slack work is refused,
for Slack to re-deliver), each request's work recorded in the store until done so that any instance
takes up what a stopped one left, and the drain on shutdown."""

from __future__ import annotations

import contextvars
import hashlib
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bot import metrics
from bot.runtime.store import StoreHandle
from bot.settings import DEFAULT_MAX_BACKLOG, DEFAULT_WORK_LEASE_SECONDS
from bot.store import StoreUnavailable

log = logging.getLogger(__name__)

WORKER_THREADS = 8  # Web API calls after the ack; Slack rate limits make more pointless
RECOVERED = "recovered_work"  # the request context key of work taken up again from the store
STORE_FAILED = "store_failed"  # set in the request context when its work could not be recorded


class Background:
    def __init__(
        self,
        store: StoreHandle,
        *,
        serverless: bool = False,
        max_backlog: int = DEFAULT_MAX_BACKLOG,
        work_lease: float = DEFAULT_WORK_LEASE_SECONDS,
    ):
        self._store = store
        # On AWS Lambda nothing may run after the response (the function is frozen): small follow-up
        # work runs inline, and listeners' Web API work runs as Bolt lazy listeners (create_app).
        self.serverless = serverless
        self._workers = ThreadPoolExecutor(max_workers=WORKER_THREADS, thread_name_prefix="srm-work")
        self.max_backlog = max_backlog
        self._backlog = 0  # work submitted and not yet finished
        self._backlog_lock = threading.Lock()
        metrics.BACKLOG.set_function(lambda: self._backlog)
        # Acked work is recorded in the store until done (see run_later); this instance's id owns it.
        self.instance = uuid.uuid4().hex[:16]
        self.work_lease = work_lease
        self._in_flight: set[str] = set()
        self.draining = False  # after SIGTERM: refuse new Slack work, finish what is queued

    @property
    def backlog(self) -> int:
        return self._backlog

    @property
    def overloaded(self) -> bool:
        """Too much work queued to take more (never on AWS Lambda, where work runs inline)."""
        return self._backlog >= self.max_backlog

    def run_later(self, work: Callable[..., None], kwargs: dict[str, Any]) -> None:
        """Run work after the ack, in the request's logging context (inline when serverless); failures are
        logged and counted, never lost silently.

        Work for a Slack request (kwargs hold its `body`) is first recorded in the store, so that if this
        process stops before finishing it, any instance takes it up (keep_up); the record goes when
        the work is done. A request already recorded (Slack re-delivered it) is not queued twice. A store
        that fails marks the request (STORE_FAILED): it is refused with 503, not acked and lost."""
        queued = not self.serverless
        try:
            key = self._accept(kwargs) if queued else None
        except StoreUnavailable:
            kwargs["context"][STORE_FAILED] = True  # the HTTP front answers 503 instead of the ack
            return
        if queued and key == "":
            return  # recorded already: queued here or in another instance

        def logged() -> None:
            try:
                work(**kwargs)
            except Exception as exc:
                metrics.count_failure(exc)
                log.exception("%s failed", getattr(work, "__name__", "work"))
            finally:
                if queued:
                    self._count_backlog(-1)
                if key:
                    self._finish(key)

        if not queued:
            logged()
            return
        self._count_backlog(+1)
        self._workers.submit(contextvars.copy_context().run, logged)

    def bookkeeping(self, work: Callable[[], None]) -> None:
        """Run small work (a batch write) on the pool, uncounted, never refused; inline when serverless."""

        def logged() -> None:
            try:
                work()
            except Exception as exc:
                metrics.count_failure(exc)
                log.warning("%s failed: %s", getattr(work, "__name__", "bookkeeping"), exc)

        try:
            if not self.serverless:
                self._workers.submit(logged)
                return
        except RuntimeError:  # the pool is shut down (stopping): write it now
            pass
        logged()

    def _accept(self, kwargs: dict[str, Any]) -> str | None:
        """The key of the recorded work; None when there is no request to record; "" when it was recorded
        before (a re-delivery)."""
        body, context = kwargs.get("body"), kwargs.get("context")
        if not isinstance(body, dict) or context is None:
            return None
        recovered = context.get(RECOVERED)
        key = recovered or work_key(body)
        if not recovered and not self._store.get().accept_work(key, json.dumps(body), self.instance, self._lease_end()):
            log.info("dropping repeated request %s: its work was accepted already", key)
            return ""
        self._in_flight.add(key)
        return key

    def _finish(self, key: str) -> None:
        self._in_flight.discard(key)
        try:
            self._store.get().finish_work(key)
        except StoreUnavailable:
            log.warning("finished work %s stays recorded (the store failed): it may be taken up again", key)

    def _lease_end(self) -> float:
        return time.time() + self.work_lease

    def keep_up(self, dispatch: Callable[[str, dict], None]) -> None:
        """One round of upkeep, run every few seconds by serve: check the store takes writes (health),
        renew the lease on this instance's work, and take up work other instances left unfinished,
        handing each request to `dispatch(key, body)`."""
        store = self._store.opened
        if store is None or not store.check():
            return
        try:
            if self._in_flight:
                store.renew_work(self.instance, self._lease_end())
            room = max(1, self.max_backlog // 2)  # half the backlog at most: new requests come first
            if self.draining or self._backlog >= room:
                return
            for key, body in store.take_work(self.instance, self._lease_end(), limit=room):
                log.info("taking up unfinished work %s", key)
                dispatch(key, json.loads(body))
                if key in self._in_flight:
                    continue
                if self.overloaded:  # refused: left for a later round
                    store.release_work(self.instance, [key])
                else:  # nothing to do for it any more (e.g. finished between the two reads)
                    store.finish_work(key)
        except StoreUnavailable:
            return

    def drain(self, seconds: float) -> int:
        """On shutdown: take no new work, finish queued work for up to `seconds`, and leave the rest in the
        store for the next instance to take up at once. Returns how many were left."""
        self.draining = True
        deadline = time.monotonic() + seconds
        while self._backlog > 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        self._workers.shutdown(wait=False, cancel_futures=True)
        left = sorted(self._in_flight)
        store = self._store.opened
        if left and store is not None:
            try:
                store.release_work(self.instance, left)
            except StoreUnavailable:
                log.error("could not hand over unfinished work: it is taken up once its lease runs out")
        if left:
            log.warning("stopped: %d pieces of acked work left for the next instance", len(left))
        return len(left)

    def _count_backlog(self, change: int) -> None:
        with self._backlog_lock:
            self._backlog += change


def work_key(body: dict) -> str:
    """The key of a Slack request's work: Slack's own id, so a re-delivery finds the same record."""
    if body.get("event_id"):
        return f"event:{body['event_id']}"
    if body.get("trigger_id"):
        actions = body.get("actions")
        action = actions[0] if isinstance(actions, list) and actions and isinstance(actions[0], dict) else {}
        return f"trigger:{body['trigger_id']}:{action.get('action_ts', '')}"  # one click: one trigger, one time
    return "body:" + hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
