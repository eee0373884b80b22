"""The in-process replay guard: repeats refused, keys forgotten after the signature's lifetime."""

from __future__ import annotations

from bot.store import SeenKeys


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def test_a_key_is_new_once_then_a_repeat():
    seen = SeenKeys(clock=Clock())
    assert seen.first_time("v0=abc") is True
    assert seen.first_time("v0=abc") is False
    assert seen.first_time("v0=abd") is True


def test_keys_are_remembered_for_the_ttl_and_then_forgotten():
    clock = Clock()
    seen = SeenKeys(ttl=300, clock=clock)
    seen.first_time("v0=abc")
    clock.now += 299
    assert seen.first_time("v0=abc") is False
    clock.now += 60  # past the ttl and its bucket
    assert seen.first_time("v0=abc") is True


def test_expired_buckets_are_dropped_so_memory_stays_bounded():
    clock = Clock()
    seen = SeenKeys(ttl=300, clock=clock)
    for second in range(3_600):
        clock.now += 1
        seen.first_time(f"v0={second}")
    assert len(seen._buckets) <= 11 and sum(map(len, seen._buckets.values())) <= 330
