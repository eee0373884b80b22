"""The cyclic garbage collector around the knowledge snapshot, which is large and lives until replaced."""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def gc_paused(build: Callable[P, R]) -> Callable[P, R]:
    """Run `build` with the cyclic collector off: loading knowledge allocates hundreds of thousands of
    objects that nearly all live on, and a collection every 700 allocations walked them again and again
    (a third of the load's time). Reference counting still frees garbage meanwhile."""

    @functools.wraps(build)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return build(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return paused


def freeze_heap(*, collect_first: bool = False) -> None:
    """Move everything alive now (the knowledge snapshot, the libraries) out of the cyclic garbage
    collector's reach: a full collection walked it in ~60 ms, a pause any request could hit. Reference
    counting still frees these objects; `collect_first` gives their cycles one collection first."""
    if collect_first:
        gc.unfreeze()
        gc.collect()
    gc.freeze()
