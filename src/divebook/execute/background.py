"""Code that runs while ``divebook serve`` already serves the site.

A build made for the live preview runs no code itself: pages take their
outputs from the cache, and the runs the cache lacks are handed to
``BackgroundRuns.want``.  They run here, ``workers`` kernels at a time,
with the usual progress display.  A finished run goes into the cache (a
failed one is kept here, since failures are never cached), and
``on_done`` tells serve to build again: that build finds the outputs, the
page is re-rendered and the open browser reloads it.

No run starts while a build is under way (``hold``/``release``): on a
machine with few cores a kernel starting up would slow the build that
serves the first pages, or an edit's preview.

Each build hands over the full list of runs it still lacks, so an edit
that changes a page's code drops the run of the old code (stopping its
kernel if it had started) and queues the new one.  ``stop`` kills every
kernel with its process group: nothing outlives the preview.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from typing import Callable

from rich.console import Console

from ..console import make_console
from ..cache import Store
from .progress import ExecutionDisplay, print_summary
from .runner import OK, START_FAILED, Job, JobResult, Progress, run_job


def store_result(store: Store, job: Job, result: JobResult) -> None:
    """Keep a successful run in the cache under its key (what later builds look up)."""
    entry = {"notebook": result.notebook, "seconds": result.seconds, "worker": result.worker,
             "source": job.source, "tab": job.tab}
    store.put("exec", job.key, json.dumps(entry).encode("utf-8"))


def kill_kernel(pid: int) -> None:
    """Stop a kernel and whatever it started (jupyter_client gives it its own session)."""
    if pid <= 0:
        return
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


class BackgroundRuns:
    """Runs left pending by the preview's builds, executed in daemon threads."""

    def __init__(self, store: Store, workers: int, on_done: Callable[[], None],
                 console: Console | None = None, show_progress: bool = True) -> None:
        self.store = store
        self.workers = max(1, workers)
        self.on_done = on_done
        self.console = console or make_console()
        self.show_progress = show_progress
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._queue: list[Job] = []  # wanted, not started
        self._running: dict[str, tuple[Job, Progress, str]] = {}  # key -> job, progress, slot
        self._failed: dict[str, JobResult] = {}  # key -> the failed run (not cached)
        #: keys run to the end here: a build that looked them up just before they were
        #: cached may still ask for them; they are not run twice
        self._finished_keys: set[str] = set()
        self._stopped = False
        self._held = False  # a build is under way: start no run
        self._threads: list[threading.Thread] = []
        self._display: ExecutionDisplay | None = None
        #: (page, tab, outcome, seconds) of the runs finished since the display opened
        self._finished: list[tuple[str, str, str, float]] = []

    # ------------------------------------------------------------ what builds see

    def failure(self, key: str) -> JobResult | None:
        """The failed run of this key, if one failed here (a build shows it and its error)."""
        with self._lock:
            return self._failed.get(key)

    def want(self, jobs: list[Job]) -> None:
        """The runs the latest build lacks, in the order to run them; all others are dropped."""
        with self._lock:
            if self._stopped:
                return
            keys = {job.key for job in jobs}
            for key, (_, progress, _) in list(self._running.items()):
                if key not in keys:  # its page's code changed: its outputs are of no use now
                    del self._running[key]
                    kill_kernel(progress.kernel_pid)
            self._queue = [job for job in jobs if job.key not in self._running
                           and job.key not in self._finished_keys and job.key not in self._failed]
            if self._queue or self._running:
                self._open_display()
            while len(self._threads) < min(self.workers, len(self._queue) + len(self._running)):
                slot = f"worker {len(self._threads) + 1}"
                thread = threading.Thread(target=self._work, args=(slot,), name=f"divebook-{slot}",
                                          daemon=True)
                self._threads.append(thread)
                thread.start()
            self._wake.notify_all()
            self._refresh_total()

    def hold(self) -> None:
        """Start no run until ``release`` (a build is being made; running kernels go on)."""
        with self._lock:
            self._held = True

    def release(self) -> None:
        with self._lock:
            self._held = False
            self._wake.notify_all()

    @property
    def busy(self) -> bool:
        with self._lock:
            return bool(self._queue or self._running)

    def stop(self) -> None:
        """Kill every kernel and drop every run (the preview is closing)."""
        with self._lock:
            self._stopped = True
            self._queue = []
            running = list(self._running.values())
            self._running.clear()
            self._wake.notify_all()
        for _, progress, _ in running:
            kill_kernel(progress.kernel_pid)
        self._close_display(summary=False)
        for thread in self._threads:
            thread.join(timeout=5)

    # ------------------------------------------------------------ the workers

    def _work(self, slot: str) -> None:
        while True:
            with self._lock:
                while (self._held or not self._queue) and not self._stopped:
                    self._wake.wait()
                if self._stopped:
                    return
                job = self._queue.pop(0)
                progress = Progress()
                self._running[job.key] = (job, progress, slot)
            if self._display is not None:
                self._display.start(slot, job.source, job.tab, progress)
            result = run_job(job, progress)
            with self._lock:
                current = self._running.get(job.key)
                wanted = current is not None and current[1] is progress
                if wanted:
                    del self._running[job.key]
                    self._finished_keys.add(job.key)
                    if result.outcome == OK:
                        store_result(self.store, job, result)
                        self._failed.pop(job.key, None)
                    else:
                        self._failed[job.key] = result
                    self._finished.append((job.source, job.tab, result.outcome, result.seconds))
                    if result.outcome == START_FAILED:  # its other pages would fail the same way
                        for other in [j for j in self._queue if j.kernel == job.kernel]:
                            self._queue.remove(other)
                            self._failed[other.key] = JobResult(START_FAILED, other.notebook, 0.0,
                                                                message=result.message)
                idle = not self._queue and not self._running
            if self._display is not None:
                if wanted:
                    self._display.finish(slot, result.outcome != OK)
                else:
                    self._display.running.pop(slot, None)
            if wanted:
                self.on_done()
            if idle:
                self._close_display(summary=True)

    # ------------------------------------------------------------ the progress display

    def _open_display(self) -> None:
        if self._display is None and self.show_progress:
            self._finished = []
            self._display = ExecutionDisplay(total=0, console=self.console)
            self._display.enabled = self.console.is_terminal
            self._display.__enter__()

    def _refresh_total(self) -> None:
        if self._display is not None:
            self._display.total = self._display.done + len(self._queue) + len(self._running)
            self._display.refresh()

    def _close_display(self, summary: bool) -> None:
        with self._lock:
            display, self._display = self._display, None
            finished, self._finished = self._finished, []
        if display is None:
            return
        display.__exit__(None, None, None)
        if summary and finished:
            failed = sum(1 for row in finished if row[2] != OK)
            print_summary(self.console, finished, len(finished) - failed, 0, failed,
                          time.perf_counter() - display.started)
