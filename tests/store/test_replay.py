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
    assert len(seen) <= 330  # at most the ttl's worth of keys, plus the bucket being filled


def test_repeats_are_found_in_closed_buckets_and_the_current_one():
    clock = Clock()
    seen = SeenKeys(ttl=300, clock=clock)
    keys = [f"v0={n:04d}" for n in range(200)]
    for n, key in enumerate(keys):
        clock.now += 1  # 200 s: several buckets closed
        assert seen.first_time(key) is True, n
    assert all(seen.first_time(key) is False for key in keys)
    assert seen.first_time("v0=new") is True
