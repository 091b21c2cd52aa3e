"""Run per-page work in worker processes when there is enough of it."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: below this many items, starting processes costs more than it saves
MIN_PARALLEL_ITEMS = 24


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def parallel_map(fn: Callable[[T], R], items: Sequence[T], jobs: int) -> list[R]:
    """``[fn(x) for x in items]``, spread over ``jobs`` processes when worth it.

    ``fn`` must be a module-level function and items picklable.
    """
    if jobs <= 1 or len(items) < MIN_PARALLEL_ITEMS:
        return [fn(item) for item in items]
    chunk = max(1, len(items) // (jobs * 4))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(fn, items, chunksize=chunk))
