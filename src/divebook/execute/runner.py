"""Run one notebook in a fresh kernel: the unit of work of every executor.

``run_job`` takes a picklable ``Job`` and returns a picklable ``JobResult``,
so the local executor (threads) and the Dask executor (cluster workers) run
exactly the same code.  Nothing here raises for a problem of the book or
the kernel: an unexpected error, a timeout, a dead kernel or a kernel that
cannot start all come back as a result that says what happened.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import socket
import tempfile
import time
from dataclasses import dataclass, field
from typing import IO

import nbformat

#: outcomes of a job
OK, ERROR, TIMEOUT, DEAD, NO_KERNEL, START_FAILED, LOST = (
    "ok", "error", "timeout", "dead-kernel", "no-kernel", "kernel-failed", "lost")


@dataclass(slots=True)
class Job:
    source: str  # the page, book-relative
    tab: str
    kernel: str  # kernel name, resolved where the job runs
    notebook: str  # nbformat JSON
    cwd: str  # the page's folder in the build's copy of the book
    env: dict[str, str] = field(default_factory=dict)  # added to the kernel's environment
    timeout: float = 1200.0  # seconds per cell
    startup_timeout: float = 60.0
    gpus: int = 0
    key: str = ""  # the cache key
    #: kernelspec folders searched first (a managed per-tab environment's)
    kernel_dirs: tuple[str, ...] = ()
    #: for a worker without the book: what the page needs (shipping.Parcel); None on a shared disk
    parcel: object | None = None


@dataclass(slots=True)
class JobResult:
    outcome: str
    notebook: str  # executed notebook (partial when a cell failed)
    seconds: float
    #: index among the code cells of the one that failed (or was running), -1 if none
    cell: int = -1
    ename: str = ""
    evalue: str = ""
    traceback: str = ""
    message: str = ""
    worker: str = ""


@dataclass(slots=True)
class Progress:
    """Where a running job is, read by the progress display from another thread."""

    cell: int = 0
    cells: int = 0
    started: float = field(default_factory=time.perf_counter)
    #: the kernel's process id once it runs (to stop it when the build is interrupted)
    kernel_pid: int = 0


def run_job(job: Job, progress: Progress | None = None) -> JobResult:
    """Execute ``job`` and report what happened (never raises for kernel trouble)."""
    return asyncio.run(run_job_async(job, progress))


async def run_job_async(job: Job, progress: Progress | None = None) -> JobResult:
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    from .kernels import KernelNotFound, OneKernelSpecs, find_kernel
    from .prelude import run_prelude

    start = time.perf_counter()
    worker = f"{socket.gethostname()}:{os.getpid()}"
    nb = nbformat.reads(job.notebook, as_version=4)
    code_index = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    progress = progress or Progress()
    progress.cells = len(code_index)
    current = {"index": -1}

    def result(outcome: str, **kw: object) -> JobResult:
        return JobResult(outcome, nbformat.writes(nb), time.perf_counter() - start, worker=worker,
                         **kw)  # type: ignore[arg-type]

    try:
        kernel = find_kernel(job.kernel, job.kernel_dirs)
    except KernelNotFound as exc:
        return result(NO_KERNEL, message=str(exc))
    if not code_index:
        return result(OK)

    def on_cell_start(cell: nbformat.NotebookNode, cell_index: int) -> None:
        if cell.cell_type == "code":
            current["index"] = code_index.index(cell_index)
            progress.cell = current["index"] + 1

    km = AsyncKernelManager(kernel_name=kernel.name, kernel_spec_manager=OneKernelSpecs(kernel))

    async def on_notebook_start(notebook: nbformat.NotebookNode) -> None:  # noqa: ARG001
        progress.kernel_pid = int(getattr(km.provisioner, "pid", 0) or 0)
        if kernel.language == "python":  # text a cell prints reaches the page even when malformed
            await run_prelude(client.kc, job.startup_timeout)

    client = NotebookClient(nb, km=km, timeout=job.timeout, startup_timeout=job.startup_timeout,
                            interrupt_on_timeout=False, shutdown_kernel="immediate",
                            allow_errors=False, record_timing=False, on_cell_start=on_cell_start,
                            on_notebook_start=on_notebook_start, kernel_name=kernel.name)
    env = dict(os.environ)
    env.update(job.env)
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # quiets a debugger warning on 3.11+
    # The kernel's own messages (not the cells' output) go to a log, shown when it fails.
    with tempfile.TemporaryFile(mode="w+b") as log:
        try:
            await client.async_execute(cwd=job.cwd, env=env, stdout=log, stderr=log)
        except CellTimeoutError:
            return result(TIMEOUT, cell=current["index"],
                          message=f"the cell ran longer than the timeout of {job.timeout:g} s")
        except DeadKernelError:
            return result(DEAD, cell=current["index"], message=_dead_message(log))
        except CellExecutionError as exc:
            index = current["index"]
            return result(ERROR, cell=index, ename=exc.ename, evalue=exc.evalue,
                          traceback=_error_traceback(nb.cells[code_index[index]]) if index >= 0
                          else str(exc))
        except (RuntimeError, TimeoutError, OSError) as exc:
            # The kernel did not start, or stopped answering before any cell ran.
            if current["index"] < 0:
                return result(START_FAILED, message=f"the kernel `{job.kernel}` could not start: "
                              f"{exc or type(exc).__name__}{_log_tail(log)}")
            return result(DEAD, cell=current["index"], message=_dead_message(log))
        finally:
            await _ensure_stopped(km)
            # nbclient leaves its exit hook registered when the kernel fails to start; at exit
            # it would fail on the kernel manager it already dropped, printing a traceback.
            atexit.unregister(client._cleanup_kernel)
    return result(OK)


def _log_tail(log: IO[bytes], limit: int = 1500) -> str:
    """The end of the kernel's own log, to explain why it failed."""
    try:
        log.flush()
        log.seek(0)
        lines = [line for line in log.read().decode("utf-8", "replace").splitlines()
                 if line.strip() and "running over TCP without encryption" not in line]
    except (OSError, ValueError):
        return ""
    text = "\n".join(lines)[-limit:]
    return f"; the kernel said:\n{text}" if text else ""


def _dead_message(log: IO[bytes]) -> str:
    return ("the kernel died while running this cell (the code ended the process, e.g. with "
            "os._exit, or the operating system killed it, e.g. for want of memory)" + _log_tail(log))


def _error_traceback(cell: nbformat.NotebookNode) -> str:
    """The traceback the kernel reported for ``cell`` (ANSI colours kept)."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return "\n".join(output.get("traceback", [])) or f"{output.get('ename')}: {output.get('evalue')}"
    return ""


async def _ensure_stopped(km: object) -> None:
    """Make sure no kernel outlives its job, whatever happened."""
    try:
        if await km.is_alive():  # type: ignore[attr-defined]
            await km.shutdown_kernel(now=True)  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - the kernel is gone or going: nothing left to do
        pass

