"""Write-behind batches: one flush at a time, and what arrives during a write goes into the next one."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.store.batch import Batcher


def test_items_added_during_a_write_go_into_the_next_batch_in_order():
    written: list[list[int]] = []
    first_write_started, release_first_write = threading.Event(), threading.Event()

    def write(batch: list[int]) -> None:
        written.append(batch)
        if len(written) == 1:
            first_write_started.set()
            assert release_first_write.wait(10)

    with ThreadPoolExecutor(4) as pool:
        batcher: Batcher[int] = Batcher(write, pool.submit)
        batcher.add(0)
        assert first_write_started.wait(10)
        for item in range(1, 6):
            batcher.add(item)  # no second flush: the running one takes these
        release_first_write.set()
    assert written == [[0], [1, 2, 3, 4, 5]]


def test_a_failed_write_does_not_stop_later_ones():
    written: list[list[str]] = []

    def write(batch: list[str]) -> None:
        if batch == ["bad"]:
            raise RuntimeError("database down")
        written.append(batch)

    def run_inline(flush) -> None:  # as on AWS Lambda: the flush runs at once
        flush()

    batcher: Batcher[str] = Batcher(write, run_inline)
    with pytest.raises(RuntimeError):
        batcher.add("bad")
    batcher.add("good")
    assert written == [["good"]]
