"""The Dask executor: the same jobs on an existing dask.distributed cluster.

One task per page and tab.  A page's GPUs become the task's ``GPU``
resource, so only workers started with ``--resources GPU=N`` take it (and
the operator gives each such worker its devices).  Results, the executed
notebooks, come back as they finish and go straight into the cache.  When a
worker is lost mid-task the scheduler runs the task again elsewhere; after
too many lost workers the page is reported as failed.

A job with a parcel (``shipping.py``, the default) carries what its page
needs, and the book's named folders go to each worker once (scattered):
workers need only divebook and the tab's kernel.  Without one
(``--shared-disk``) workers need the build folder at the same path and the
page runs in the build's copy of the book.
"""

from __future__ import annotations

import time
from typing import Callable

from .progress import ExecutionDisplay
from .runner import LOST, Job, JobResult, Progress, run_job
from .shipping import run_shipped


class ClusterError(Exception):
    """The cluster cannot be used (unreachable scheduler, no workers)."""


def run_dask(jobs: list[Job], scheduler: str, display: ExecutionDisplay,
             on_result: Callable[[Job, JobResult], None], connect_timeout: float = 15.0,
             shared: object | None = None,
             on_files: Callable[[Job, object], None] | None = None,
             starved_after: float = 60.0) -> None:
    """Run ``jobs`` on the cluster; ``shared`` (shipping.Shared) goes to every worker once and
    ``on_files`` gets what a shipped page wrote."""
    try:
        from distributed import Client, as_completed
    except ImportError as exc:  # pragma: no cover - dask is a dependency
        raise ClusterError(f"--executor dask needs dask.distributed: {exc}") from None
    try:
        client = Client(scheduler, timeout=f"{connect_timeout}s", set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    try:
        try:
            client.wait_for_workers(1, timeout=connect_timeout)
        except (TimeoutError, OSError):
            raise ClusterError(f"the Dask scheduler at {scheduler} has no workers") from None
        workers = client.scheduler_info(n_workers=-1).get("workers", {})
        most_gpus = max((w.get("resources", {}).get("GPU", 0) for w in workers.values()), default=0)
        futures = {}
        # Every worker gets a copy, so losing one loses no data (scattered data cannot be recomputed).
        shared_future = (client.scatter(shared, broadcast=True, hash=False)
                         if shared is not None and any(j.parcel is not None for j in jobs) else None)
        for job in jobs:
            if job.gpus > most_gpus:
                on_result(job, JobResult(
                    LOST, job.notebook, 0.0,
                    message=f"the page needs {job.gpus} GPU(s) and no worker of the cluster offers "
                            f"that many (start workers with `--resources GPU={job.gpus}`)"))
                continue
            resources = {"GPU": job.gpus} if job.gpus else None
            key = f"divebook-{job.tab}-{job.source}-{job.key[:12]}"
            if job.parcel is not None:
                future = client.submit(run_shipped, job, shared_future, key=key, resources=resources,
                                       pure=False)
            else:
                future = client.submit(run_job, job, key=key, resources=resources, pure=False)
            futures[future] = job
        display.total = len(futures)
        last_refresh = 0.0
        watch = _GpuWatch(client, starved_after)
        seq = as_completed(list(futures), loop=client.loop)
        while futures:  # (a cancelled future may or may not come out of `seq`)
            done = seq.next_batch(block=False)
            if not done:
                for future, message in watch.starved(futures):
                    job = futures.pop(future)
                    future.cancel()
                    display.finish(f"task {job.source} [{job.tab}]", True)
                    on_result(job, JobResult(LOST, job.notebook, 0.0, message=message))
                time.sleep(0.05)
                continue
            for future in done:
                job = futures.pop(future, None)
                if job is None:
                    continue  # cancelled above, already reported
                result = _result(future, job, on_files)
                if result.outcome == LOST and job.gpus and watch.most_gpus() < job.gpus:
                    result.message = watch.message(job)  # cancelled when its GPU worker left
                display.finish(f"task {job.source} [{job.tab}]", result.outcome != "ok")
                on_result(job, result)
            if time.perf_counter() - last_refresh > 1.0:
                _show_processing(client, futures, display)
                last_refresh = time.perf_counter()
    finally:
        client.close()


def _result(future, job: Job, on_files) -> JobResult:  # type: ignore[no-untyped-def]
    """The task's result; a shipped run's files go to ``on_files`` first."""
    try:
        result = future.result()
        if not isinstance(result, JobResult):  # a shipped run: its files, then its result
            if on_files is not None:
                on_files(job, result)
            result = result.result
        return result
    except Exception as exc:  # noqa: BLE001 - KilledWorker, CancelledError, a worker's crash
        return JobResult(LOST, job.notebook, 0.0,
                         message=f"the cluster could not run the page: {type(exc).__name__}: {exc}")


class _GpuWatch:
    """Pages waiting for more GPUs than any worker now offers (the ones that did left)."""

    def __init__(self, client: object, starved_after: float) -> None:
        self.client = client
        self.starved_after = starved_after
        self.since: dict[str, float] = {}
        self.checked = 0.0

    def starved(self, futures: dict) -> list[tuple[object, str]]:
        now = time.perf_counter()
        if now - self.checked < 1.0 or not any(job.gpus for job in futures.values()):
            return []
        self.checked = now
        most = self.most_gpus()
        if most < 0:
            return []
        found = []
        for future, job in futures.items():
            if job.gpus <= most:
                self.since.pop(future.key, None)
                continue
            first = self.since.setdefault(future.key, now)
            if now - first >= self.starved_after:
                found.append((future, self.message(job)))
        return found

    def most_gpus(self) -> int:
        """The most GPUs one worker offers now (-1: the scheduler did not answer)."""
        try:
            workers = self.client.scheduler_info(n_workers=-1).get("workers", {})  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - the scheduler is busy: look again later
            return -1
        return max((w.get("resources", {}).get("GPU", 0) for w in workers.values()), default=0)

    def message(self, job: Job) -> str:
        return (f"the page needs {job.gpus} GPU(s) and no worker of the cluster offers that many any "
                f"more (the workers that did have left); start workers with `--resources GPU={job.gpus}`")


def _show_processing(client: object, futures: dict, display: ExecutionDisplay) -> None:
    """Which worker runs which page, for the live display."""
    if not display.enabled:
        return
    try:
        processing = client.processing()  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - only for the display
        return
    by_key = {f.key: job for f, job in futures.items()}
    display.running.clear()
    for worker, keys in processing.items():
        for key in keys:
            job = by_key.get(key)
            if job is not None:
                display.running[f"{worker} {key}"] = _running(job, worker)
    display.refresh()


def _running(job: Job, worker: str):  # type: ignore[no-untyped-def]
    from .progress import Running

    return Running(job.source, job.tab, Progress(), worker)
