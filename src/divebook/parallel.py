"""Run per-page work in worker processes when there is enough of it.

Workers (and helper programs such as Pagefind) must not outlive the build
that started them: killing only a build's main process would otherwise leave
them running, holding the output folder's lock and writing into it.  On Linux
each asks the kernel for SIGKILL when its parent dies (``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Callable, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: below this many items, starting processes costs more than it saves
MIN_PARALLEL_ITEMS = 24


_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int | None = None) -> None:
    """In a child process: be killed when the parent dies (Linux; elsewhere nothing).

    ``parent``: the parent's pid, to catch a parent that died before this call.
    Safe between fork and exec (``preexec_fn``): no allocation beyond ctypes' call.
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            return
    if parent is not None and os.getppid() != parent:
        os._exit(1)  # the parent is gone already


def child_setup(nice: int = 0):  # type: ignore[no-untyped-def]
    """A ``preexec_fn`` for helper programs: die with this process, lower the priority by ``nice``."""
    parent = os.getpid()

    def setup() -> None:
        die_with_parent(parent)
        if nice:
            os.nice(nice)
    return setup


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def parallel_map(fn: Callable[[T], R], items: Sequence[T], jobs: int,
                 chunksize: int | None = None) -> list[R]:
    """``[fn(x) for x in items]``, spread over ``jobs`` processes when worth it.

    ``fn`` must be a module-level function and items picklable.  ``chunksize``:
    items sent to a worker at once (default: a quarter of its share); small
    chunks balance uneven items, sorted longest first, at a little more traffic.
    """
    if jobs <= 1 or len(items) < MIN_PARALLEL_ITEMS:
        return [fn(item) for item in items]
    chunk = chunksize or max(1, len(items) // (jobs * 4))
    with ProcessPoolExecutor(max_workers=jobs, initializer=die_with_parent,
                             initargs=(os.getpid(),)) as pool:
        return list(pool.map(fn, items, chunksize=chunk))


#: The work handed to forked workers: set just before the pool forks, read by
#: the children (who inherit it in memory), cleared right after.  This is the
#: one module-level variable of divebook: fork's way of sharing a large
#: read-only state (a whole resolved book) without pickling it.
_FORK_HANDOFF: list[tuple[Callable[[Any, Any], Any], Any, Sequence[Any]]] = []


def _forked_call(index: int) -> Any:
    fn, state, items = _FORK_HANDOFF[0]
    return fn(state, items[index])


def fork_map(fn: Callable[[Any, T], R], state: Any, items: Sequence[T], jobs: int,
             min_items: int = MIN_PARALLEL_ITEMS, chunksize: int | None = None) -> list[R]:
    """``[fn(state, x) for x in items]`` over ``jobs`` forked processes that share ``state``.

    For work whose input is large (a whole book) and whose results are small:
    the children see ``state`` without it being pickled.  Runs in this
    process when there is little work, one job, or no ``fork`` (not Linux).
    """
    if (jobs <= 1 or len(items) < min_items or _FORK_HANDOFF
            or "fork" not in multiprocessing.get_all_start_methods()):
        return [fn(state, item) for item in items]
    _FORK_HANDOFF.append((fn, state, items))
    # Frozen objects are skipped by the children's garbage collector, which would
    # otherwise write to every object of the shared state and so copy its memory.
    gc.freeze()
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=die_with_parent,
                                 initargs=(os.getpid(),)) as pool:
            chunk = chunksize or max(1, len(items) // (jobs * 4))
            return list(pool.map(_forked_call, range(len(items)), chunksize=chunk))
    finally:
        _FORK_HANDOFF.clear()
