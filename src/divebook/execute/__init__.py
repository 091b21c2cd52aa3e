"""Step 2 of the pipeline: run every page's code for every tab, cached, in parallel.

``execute_book(ctx)`` turns each page into one notebook per tab
(``notebook.py``), looks each up in the cache by a key of what can change
its outputs (``keys.py``), runs the rest in fresh kernels, locally
(``local.py``) or on a Dask cluster (``cluster.py``), stores each result as
soon as it arrives, and attaches the outputs to the page's code cells
(``attach.py``).  A page that fails is reported with its tab, cell and
source line; the others go on.

In ``divebook serve`` (``options.background`` set) nothing runs here: runs
the cache lacks are handed to ``background.BackgroundRuns`` and their cells
are marked pending, so the site is served at once and updated as runs end.
"""

from __future__ import annotations

import json
import os
import posixpath
import time
from dataclasses import dataclass, field

import nbformat
from rich.console import Console

from ..console import make_console
from ..library import apply_reverse_alias, imported_library_files, library_root, module_name
from ..tree import Page, Pos
from .attach import TabRun, attach_outputs
from .background import store_result
from .failures import failing_line, failure_message, strip_ansi
from .kernels import Kernel, TabKernel, tab_kernels
from .keys import file_digest, run_key
from .notebook import TabNotebook, cell_tags, page_notebook, tabs_with_code
from .progress import ExecutionDisplay, print_summary
from .runner import NO_KERNEL, OK, START_FAILED, Job, JobResult
from .settings import PageSettings, is_evaluated, local_gpus, page_settings
from .workdir import mirror_book, run_root

__all__ = ["execute_book"]


@dataclass(slots=True)
class _Run:
    """One page in one tab, from plan to result."""

    page: Page
    tab: str
    notebook: TabNotebook
    settings: PageSettings
    key: str = ""
    job: Job | None = None
    result: TabRun | None = None
    record: dict = field(default_factory=dict)


def selected_tabs(ctx) -> list[str]:  # type: ignore[no-untyped-def]
    """``--tab T`` runs only T; otherwise every tab runs (the website shows them all)."""
    tab = ctx.options.tab
    return list(ctx.config.tab_names) if tab in (None, "all") else [tab]


def execute_book(ctx) -> None:  # type: ignore[no-untyped-def]
    """Run the book's code; fill ``ctx.execution`` and the cells' outputs."""
    assert ctx.book is not None
    config, book, diags = ctx.config, ctx.book, ctx.diags
    start = time.perf_counter()
    tabs = selected_tabs(ctx)
    runs: list[_Run] = []
    for source in book.order + book.orphans:
        page = book.pages.get(source)
        if page is None:
            continue
        page_tabs = [t for t in tabs_with_code(page, config.tab_names) if t in tabs]
        if not is_evaluated(source, config):
            for tab in page_tabs:
                ctx.execution.setdefault(source, {})[tab] = {"status": "skipped", "seconds": 0.0,
                                                             "outcome": "not evaluated"}
            continue
        for tab in page_tabs:
            notebook = page_notebook(page, tab, config.tab_names, config.tab(tab).kernel,
                                     _rewriter(config, tab))
            if notebook is None or not notebook.cells:
                continue
            runs.append(_Run(page, tab, notebook, page_settings(page, tab, config, diags)))
    background = getattr(ctx.options, "background", None)
    if not runs:
        if background is not None:
            background.want([])
        return

    kernels = tab_kernels(config, sorted({r.tab for r in runs}), diags, make_console())
    lib_root = library_root(ctx.out)
    packages = _library_packages(config, lib_root)
    gpus = local_gpus() if ctx.options.executor == "local" else []
    times_key = "exec-times"
    times: dict[str, float] = ctx.store.get_object("exec", times_key) or {}

    to_run: list[_Run] = []
    for run in runs:
        tab_kernel = kernels[run.tab]
        kernel_name = tab_kernel.name
        if tab_kernel.kernel is None:
            _fail_without_running(ctx, run, NO_KERNEL, tab_kernel.error, report=not tab_kernel.reported)
            continue
        run.key = _key(run, config, kernel_name, tab_kernel.fingerprint, lib_root)
        cached = _cached(ctx, run)
        if cached is not None:
            run.result = TabRun(run.notebook, cached[0], "cached")
            run.record = {"status": "cached", "seconds": 0.0, "run_seconds": round(cached[1], 3),
                          "outcome": OK, "kernel": kernel_name}
            continue
        failed = background.failure(run.key) if background is not None else None
        if failed is not None:  # it ran in the background while serving, and failed
            _record(ctx, run, failed, packages, tab_kernel.kernel, kernel_name)
            continue
        if ctx.options.executor == "local" and run.settings.gpus > len(gpus):
            _fail_without_running(ctx, run, "no-gpu", f"the page needs {run.settings.gpus} GPU(s) and "
                                  f"this machine has {len(gpus)}; run it where there are enough (e.g. "
                                  "--executor dask) or lower `resources: {gpus: N}`")
            continue
        to_run.append(run)

    if background is not None:
        jobs = _jobs(ctx, to_run, kernels, times)
        for run in to_run:  # shown without outputs, marked pending, until the run ends
            run.result = TabRun(run.notebook, None, "pending")
            run.record = {"status": "pending", "seconds": 0.0, "outcome": "pending",
                          "kernel": kernels[run.tab].name}
        background.want(jobs)
    elif to_run:
        _run_all(ctx, to_run, kernels, packages, times)
        ctx.store.put_object("exec", times_key, times)

    by_page: dict[str, dict[str, TabRun]] = {}
    for run in runs:
        if run.record:
            ctx.execution.setdefault(run.page.source, {})[run.tab] = run.record
        if run.result is not None:
            by_page.setdefault(run.page.source, {})[run.tab] = run.result
    for source, tab_runs in by_page.items():
        attach_outputs(book.pages[source], tab_runs, config.tab_names)

    executed = [r for r in runs if r.record.get("status") == "executed"]
    failed_runs = [r for r in runs if r.record.get("status") == "failed"]
    cached_n = sum(1 for r in runs if r.record.get("status") == "cached")
    pending = sum(1 for r in runs if r.record.get("status") == "pending")
    seconds = time.perf_counter() - start
    ctx.extra["execution"] = {"runs": len(runs), "executed": len(executed), "cached": cached_n,
                              "failed": len(failed_runs), "seconds": round(seconds, 3),
                              "executor": ctx.options.executor}
    if pending:
        ctx.extra["execution"]["pending"] = pending
    if not ctx.options.quiet:
        rows = [(r.page.source, r.tab, r.record.get("outcome", ""), float(r.record.get("seconds", 0)))
                for r in executed + [f for f in failed_runs if f.record.get("seconds")]]
        print_summary(make_console(), rows, len(executed), cached_n,
                      len(failed_runs), seconds)


# --------------------------------------------------------------------------
# planning


def _rewriter(config, tab: str):  # type: ignore[no-untyped-def]
    """The library's reverse aliases for a non-default tab's code, if it has any."""
    rules = config.tab(tab).library
    if tab == config.default_tab or rules is None or not rules.reverse_alias.strip():
        return None
    return lambda code: apply_reverse_alias(code, rules)


def _library_packages(config, lib_root) -> dict[str, bool]:  # type: ignore[no-untyped-def]
    """The library's top-level package names and whether the library is built."""
    packages: dict[str, bool] = {}
    for tab in config.tabs:
        if tab.library is None:
            continue
        top = module_name(tab.library).split(".")[0]
        packages[top] = packages.get(top, False) or (lib_root / tab.library.lib_file).is_file()
    return packages


def _key(run: _Run, config, kernel_name: str, fingerprint: str, lib_root) -> str:  # type: ignore[no-untyped-def]
    code = [c.source for c in run.notebook.code_cells]
    cells = [(src, cell_tags(cell)) for src, cell in zip(code, run.notebook.cells)]
    library = {f: file_digest(lib_root / f) for f in imported_library_files(code, config, run.tab)}
    inputs = {p: file_digest(config.root / p) for p in run.settings.inputs}
    return run_key(tab=run.tab, kernel=kernel_name, fingerprint=fingerprint,
                   kernel_env=config.tab(run.tab).env, page_dir=posixpath.dirname(run.page.source),
                   cells=cells, library=library, inputs=inputs)


def _cached(ctx, run: _Run) -> tuple[nbformat.NotebookNode, float] | None:  # type: ignore[no-untyped-def]
    """The stored run, if there is one and it matches the notebook cell for cell."""
    body = ctx.store.get("exec", run.key)
    if body is None:
        return None
    try:
        entry = json.loads(body)
        nb = nbformat.reads(entry["notebook"], as_version=4)
        seconds = float(entry.get("seconds", 0.0))
    except (ValueError, KeyError, TypeError):
        return None  # damaged or from another version: run again
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    if code != [c.source for c in run.notebook.code_cells]:
        return None
    return nb, seconds


# --------------------------------------------------------------------------
# running


def _jobs(ctx, to_run: list[_Run], kernels: dict[str, TabKernel], times: dict[str, float]) -> list[Job]:  # type: ignore[no-untyped-def]
    """A job for each run, slowest first (by last time), in the build's copy of the book."""
    config = ctx.config
    lib_root = library_root(ctx.out)
    roots = {}
    for tab in sorted({r.tab for r in to_run}):
        roots[tab] = run_root(ctx.out, tab)
        mirror_book(config.root, roots[tab], ctx.out)
    jobs: list[Job] = []
    for run in sorted(to_run, key=lambda r: -times.get(f"{r.tab}:{r.page.source}", 0.0)):
        tab_cfg = config.tab(run.tab)
        env = dict(tab_cfg.env)
        inherited = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
        env["PYTHONPATH"] = os.pathsep.join([str(lib_root), *inherited])  # the library first
        cwd = roots[run.tab] / posixpath.dirname(run.page.source)
        cwd.mkdir(parents=True, exist_ok=True)
        tab_kernel = kernels[run.tab]
        job = Job(run.page.source, run.tab, tab_kernel.name,
                  json.dumps(run.notebook.notebook, ensure_ascii=False),  # nbformat.writes validates: slow
                  str(cwd), env, run.settings.timeout, gpus=run.settings.gpus, key=run.key,
                  kernel_dirs=tab_kernel.dirs)
        run.job = job
        jobs.append(job)
    return jobs


def _run_all(ctx, to_run: list[_Run], kernels: dict[str, TabKernel], packages: dict[str, bool],  # type: ignore[no-untyped-def]
             times: dict[str, float]) -> None:
    config = ctx.config
    jobs = _jobs(ctx, to_run, kernels, times)
    by_job = {id(run.job): run for run in to_run}

    broken: dict[str, str] = {}  # kernel -> why it cannot start

    def on_result(job: Job, result: JobResult) -> None:
        run = by_job[id(job)]
        times[f"{run.tab}:{run.page.source}"] = result.seconds
        if result.outcome == START_FAILED:
            broken.setdefault(job.kernel, result.message)
        _record(ctx, run, result, packages, kernels[run.tab].kernel)

    display = ExecutionDisplay(total=len(jobs), enabled=not ctx.options.quiet)
    with display:
        if ctx.options.executor == "dask":
            from .cluster import ClusterError, run_dask
            from .shipping import ship_runs, unpack_written

            shared = None
            if not getattr(ctx.options, "shared_disk", False):
                rank = {id(job): i for i, job in enumerate(jobs)}
                order = {id(run): rank[id(run.job)] for run in to_run}
                shared = ship_runs(config, ctx.out, to_run)
                jobs = [run.job for run in sorted(to_run, key=lambda r: order[id(r)])]
                by_job.update({id(run.job): run for run in to_run})
            try:
                run_dask(jobs, ctx.options.scheduler or "", display, on_result, shared=shared,
                         starved_after=_gpu_wait(),
                         on_files=lambda job, shipped: unpack_written(run_root(ctx.out, job.tab), shipped))
            except ClusterError as exc:
                for run in to_run:
                    if run.result is None:
                        _fail_without_running(ctx, run, "cluster", str(exc), report=False)
                ctx.diags.error(Pos(config.source or ".", 0), f"execution: {exc}", "dask")
        else:
            from .local import run_local

            run_local(jobs, ctx.jobs, local_gpus(), display, on_result,
                      skip=lambda job: broken.get(job.kernel))


def _gpu_wait() -> float:
    """Seconds a page may wait for GPUs no worker offers any more (DIVEBOOK_GPU_WAIT, default 60)."""
    try:
        return max(0.0, float(os.environ.get("DIVEBOOK_GPU_WAIT", "60")))
    except ValueError:
        return 60.0


def _record(ctx, run: _Run, result: JobResult, packages: dict[str, bool], kernel,  # type: ignore[no-untyped-def]
            kernel_name: str = "") -> None:
    """Store a good result, attach it, and report how it went."""
    nb = nbformat.reads(result.notebook, as_version=4)
    kernel_name = run.job.kernel if run.job else kernel_name
    if result.outcome == OK:
        store_result(ctx.store, run.job, result)  # type: ignore[arg-type]
        run.result = TabRun(run.notebook, nb, "executed")
        run.record = {"status": "executed", "seconds": round(result.seconds, 3), "outcome": OK,
                      "kernel": kernel_name}
        return
    index = result.cell
    code = [c for c in nb.cells if c.cell_type == "code"]
    cell = run.notebook.cells[index] if 0 <= index < len(run.notebook.cells) else None
    line = cell.source_line if cell is not None else 1
    if cell is not None and result.outcome == "error":
        count = code[index].get("execution_count") if index < len(code) else None
        within = failing_line(result.traceback, count)
        lines = run.notebook.lines[index]
        if 1 <= within <= len(lines):
            line = lines[within - 1]
    interpreter = kernel.interpreter if isinstance(kernel, Kernel) else None
    message = failure_message(result, run.tab, kernel_name, index + 1, packages, interpreter)
    if result.outcome == START_FAILED:  # the kernel's fault, not the page's: say it once
        ctx.diags.error(_kernel_pos(ctx.config, run.tab), message, "kernel-failed")
    else:
        ctx.diags.error(Pos(run.page.source, line), message, f"cell-{result.outcome}")
    run.result = TabRun(run.notebook, nb, "failed", failed_cell=index)
    run.record = {"status": "failed", "seconds": round(result.seconds, 3), "outcome": result.outcome,
                  "kernel": kernel_name, "cell": index + 1 if index >= 0 else None, "line": line,
                  "error": message, "traceback": strip_ansi(result.traceback) or result.message}


def _fail_without_running(ctx, run: _Run, outcome: str, message: str, report: bool = True) -> None:  # type: ignore[no-untyped-def]
    """A run that could not even start (no kernel, not enough GPUs, no cluster)."""
    run.record = {"status": "failed", "seconds": 0.0, "outcome": outcome, "cell": None,
                  "line": None, "error": message, "traceback": ""}
    if not report:
        return
    if outcome == NO_KERNEL:
        ctx.diags.error(_kernel_pos(ctx.config, run.tab), f"tab `{run.tab}`: {message}", "no-kernel")
    else:
        ctx.diags.error(Pos(run.page.source, 1), f"tab `{run.tab}`: {message}", outcome)


def _kernel_pos(config, tab: str) -> Pos:  # type: ignore[no-untyped-def]
    """Where the configuration names the tab's kernel."""
    key = f"tabs.{tab}.kernel" if f"tabs.{tab}.kernel" in config.lines else "build.kernels"
    return config.pos(key)
