"""Timing helpers shared by the benchmark scripts of this folder."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_seconds(work: Callable[[], object], runs: int,
                   clock: Callable[[], float] = time.perf_counter) -> float:
    """The median time of ``runs`` calls of ``work`` after one warm-up call (imports,
    compiled regexes, parsers); ``clock=time.process_time`` for CPU time."""
    work()
    times = []
    for _ in range(runs):
        start = clock()
        work()
        times.append(clock() - start)
    return statistics.median(times)
