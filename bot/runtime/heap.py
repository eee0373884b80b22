"""Memory habits of a long-running bot: the cyclic garbage collector around the knowledge snapshot (large,
and alive until replaced), and how many malloc arenas the worker threads may spread over."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
from collections.abc import Iterator

M_ARENA_MAX = -8  # glibc's mallopt() parameter, as set by the MALLOC_ARENA_MAX environment variable
SERVER_ARENAS = 2


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic collector off while a block runs: loading knowledge allocates hundreds of thousands of
    objects that nearly all live on, which each collection would walk again. Reference counting still
    frees garbage meanwhile."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def freeze_heap(*, collect_first: bool = False) -> None:
    """Move everything alive now (the knowledge snapshot, the libraries) out of the cyclic garbage
    collector's reach, so no request waits on a full collection walking it. Reference counting still
    frees these objects; `collect_first` gives their cycles one collection first."""
    if collect_first:
        gc.unfreeze()
        gc.collect()
    gc.freeze()


def limit_malloc_arenas(arenas: int = SERVER_ARENAS) -> bool:
    """Cap glibc's malloc arenas, as MALLOC_ARENA_MAX does, unless the environment already sets it. glibc
    gives each thread that allocates an arena of its own (up to eight per core) and keeps each at its
    peak, so the worker threads' arenas would hold memory long after a burst of Slack posts. Call before
    the threads start. False where there is no such setting (musl, macOS): nothing to do."""
    if os.environ.get("MALLOC_ARENA_MAX"):
        return False
    mallopt = getattr(ctypes.CDLL(None), "mallopt", None)
    return bool(mallopt and mallopt(M_ARENA_MAX, arenas) == 1)
