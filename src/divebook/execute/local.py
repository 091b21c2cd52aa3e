"""The local executor: up to ``jobs`` kernels at once on this machine.

Each job runs in a worker thread with its own event loop and its own kernel
process, so a page that hangs or kills its kernel holds up nothing else.
Jobs start longest first (by the time they took last), and a page that
needs GPUs waits until that many are free, then gets them through
``CUDA_VISIBLE_DEVICES``; pages that declare no GPUs see none.
"""

from __future__ import annotations

import os
import signal
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Callable

from .progress import ExecutionDisplay
from .runner import START_FAILED, Job, JobResult, Progress, run_job


def run_local(jobs: list[Job], workers: int, gpus: list[str], display: ExecutionDisplay,
              on_result: Callable[[Job, JobResult], None],
              skip: Callable[[Job], str | None] = lambda job: None) -> None:
    """Run ``jobs`` (already ordered) and hand each result to ``on_result`` as it comes.

    ``skip(job)`` returns a reason not to start a job (its kernel already
    failed to start): the job is then reported as failed at once.
    """
    pending = list(jobs)
    free_slots = [f"worker {i + 1}" for i in range(max(1, workers))]
    free_gpus = list(gpus)
    running: dict[Future[JobResult], tuple[Job, str, list[str], Progress]] = {}
    with ThreadPoolExecutor(max_workers=len(free_slots), thread_name_prefix="divebook-kernel") as pool:
        try:
            while pending or running:
                for job in list(pending):
                    if not free_slots:
                        break
                    if job.gpus > len(free_gpus):
                        continue
                    pending.remove(job)
                    reason = skip(job)
                    if reason:
                        display.finish("", True)
                        on_result(job, JobResult(START_FAILED, job.notebook, 0.0, message=reason))
                        continue
                    slot = free_slots.pop(0)
                    taken, free_gpus = free_gpus[:job.gpus], free_gpus[job.gpus:]
                    if gpus or job.gpus:
                        job.env["CUDA_VISIBLE_DEVICES"] = ",".join(taken)
                    progress = Progress()
                    display.start(slot, job.source, job.tab, progress)
                    running[pool.submit(run_job, job, progress)] = (job, slot, taken, progress)
                done, _ = wait(list(running), timeout=0.25, return_when=FIRST_COMPLETED)
                display.refresh()
                for future in done:
                    job, slot, taken, _ = running.pop(future)
                    free_slots.append(slot)
                    free_slots.sort()
                    free_gpus = sorted(free_gpus + taken, key=gpus.index)
                    result = future.result()
                    display.finish(slot, result.outcome != "ok")
                    on_result(job, result)
        except BaseException:
            pending.clear()
            for _, _, _, progress in running.values():
                _kill(progress.kernel_pid)
            raise


def _kill(pid: int) -> None:
    """Stop a kernel at once (the build is being interrupted)."""
    if pid > 0:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
