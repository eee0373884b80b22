"""Memory habits: the collector paused around a build, and glibc's malloc arenas capped for the server."""

from __future__ import annotations

import gc
import platform

import pytest

from bot.runtime.heap import gc_paused, limit_malloc_arenas


def test_the_collector_is_paused_during_a_build_and_restored_after_it_fails():
    seen: list[bool] = []

    assert gc.isenabled()
    with pytest.raises(ValueError), gc_paused():
        seen.append(gc.isenabled())
        raise ValueError("broken knowledge")
    assert seen == [False]
    assert gc.isenabled()


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt's arena cap is glibc's")
def test_malloc_arenas_are_capped_unless_the_environment_chose(monkeypatch):
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    assert limit_malloc_arenas() is True
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert limit_malloc_arenas() is False
