"""The pipeline: read -> execute -> transform -> write, and the build report.

``build()`` runs the stages in one direction; each stage gets what the one
before produced and adds its diagnostics.  A mistake in the book never stops
the build: it is recorded, the rest is built, and the exit status says so.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time
from typing import Callable

from . import __version__, buildstate, confine
from .cache import Store, sweep_leftovers, write_atomic
from .config import Config, load_config
from .context import TARGETS, BuildContext, BuildOptions, UsageError  # noqa: F401  (offered here too)
from .diagnostics import ConfigError, Diagnostics
from .outlock import OutputBusy, output_lock
from .reader.book import read_book
from .transforms import resolve_book
from .tree import Book, plain_text

#: target name -> the function that writes it.  Each writer module registers itself
#: through ``writer_for`` so build.py does not import what a build does not need.
def writer_for(target: str) -> Callable[[BuildContext], None]:
    if target == "html":
        from .writers.html import write_html_target
        return write_html_target
    if target == "pdf":
        from .writers.latex import write_pdf_target
        return write_pdf_target
    if target == "epub":
        from .writers.epub import write_epub_target
        return write_epub_target
    if target == "notebooks":
        from .writers.notebook import write_notebooks_target
        return write_notebooks_target
    if target == "slides":
        from .writers.slides import write_slides_target
        return write_slides_target
    if target == "lib":
        from .library.write import write_library_target
        return write_library_target
    raise UsageError(f"unknown build target `{target}` (choose from {', '.join(TARGETS)}, all)")


def prepare(options: BuildOptions) -> BuildContext:
    """Load the configuration and open the cache; ConfigError if the book is unusable."""
    diags = Diagnostics()
    book_dir = options.book.resolve()
    config = load_config(book_dir, diags)
    out = options.out_dir()
    if options.tab not in (None, "all") and options.tab not in config.tab_names:
        raise UsageError(f"--tab {options.tab}: the book has tabs {', '.join(config.tab_names)}")
    from .languages import check_lang_option

    check_lang_option(options.lang, config)
    return BuildContext(options, config, out, Store(out / ".cache"), diags)


def claim_output(ctx: BuildContext) -> None:
    """Create the output folder and mark it as divebook's; UsageError where it must not or
    cannot be written (the book or a folder above it, foreign files, a file, no permission)."""
    try:
        confine.claim_output(ctx.out, ctx.config.root)
    except confine.OutputRefused as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"--out {ctx.out}: cannot create the folder ({exc.strerror or exc}); "
                         "choose a place you can write to") from None
    if not os.access(ctx.out, os.W_OK | os.X_OK):
        raise UsageError(f"--out {ctx.out}: the folder is not writable; choose a place you can write to")


def read_stage(ctx: BuildContext) -> Book:
    start = time.perf_counter()
    book = read_book(ctx.config, ctx.store, ctx.jobs, ctx.diags)
    ctx.book = book
    # The book lives until the build ends: the collector need not walk it again.
    gc.freeze()
    ctx.stages["read"] = time.perf_counter() - start
    return book


def execute_stage(ctx: BuildContext) -> None:
    start = time.perf_counter()
    if _runs_code(ctx):
        try:
            from .execute import execute_book
        except ImportError:  # the execution stage is not part of this build of divebook
            execute_book = None
        if execute_book is not None:
            execute_book(ctx)
    ctx.stages["execute"] = time.perf_counter() - start


def transform_stage(ctx: BuildContext) -> None:
    start = time.perf_counter()
    assert ctx.book is not None
    from .languages import resolve_languages

    if not resolve_languages(ctx):  # a translated book resolves one book per language
        resolve_book(ctx.book, ctx.config, ctx.store, ctx.diags)
    ctx.stages["transform"] = time.perf_counter() - start


def build(options: BuildOptions) -> BuildContext:
    """Build the book; ``exit_status(ctx)`` then says how it went."""
    targets = _expand_targets(options.targets)
    # A build makes millions of small objects that mostly live to its end: collecting
    # cycles every 700 allocations (Python's default) spends time finding none.
    gc.set_threshold(20_000, 20, 20)
    ctx = prepare(options)
    claim_output(ctx)
    if not options.lock:
        return _build(ctx, targets)
    with output_lock(ctx.out, options.wait, options.notify or _tell_stderr):
        return _build(ctx, targets)


def _tell_stderr(message: str) -> None:
    print(f"divebook: {message}", file=sys.stderr, flush=True)


def _build(ctx: BuildContext, targets: list[str]) -> BuildContext:
    """The build proper, its output folder locked."""
    start = time.perf_counter()
    previous = buildstate.load(ctx.store, ctx)
    fingerprint, files = buildstate.fingerprint(ctx, previous)
    if (fingerprint == previous.fingerprint and buildstate.replayable(previous)
            and buildstate.outputs_intact(ctx.out, previous.outputs)):
        return _unchanged(ctx, previous, files, time.perf_counter() - start)
    ctx.stages["check"] = time.perf_counter() - start
    # Outputs are about to change: until every one of them (search index included) is
    # complete, no state may vouch for them.  A build killed from here on leaves none.
    buildstate.invalidate(ctx.store, ctx, files)
    sweep_leftovers(ctx.out)  # half-written files of a build that was killed
    writers = [(t, writer_for(t)) for t in targets]
    book = read_stage(ctx)
    if "lib" in targets or _evaluation_needs_library(ctx):
        # The library comes first: execution imports it, built from this very book.
        start = time.perf_counter()
        writer_for("lib")(ctx)
        ctx.stages["lib"] = time.perf_counter() - start
    execute_stage(ctx)
    transform_stage(ctx)
    start = time.perf_counter()
    for target, write in writers:
        if target != "lib":
            t0 = time.perf_counter()
            write(ctx)
            ctx.stages[f"write_{target}"] = time.perf_counter() - t0
    if "html" in targets:  # every link the site holds that points inside the book leads somewhere
        from .linkcheck.internal import check_site_links

        t0 = time.perf_counter()
        check_site_links(ctx)
        ctx.stages["check_links"] = time.perf_counter() - t0
    if (ctx.out / "html").is_dir() and {"html", "pdf", "epub", "notebooks", "slides"} & set(targets):
        from .writers.html.downloads import finish_site  # notebooks, PDFs, EPUBs and slides into the website

        finish_site(ctx)
    ctx.stages["write"] = time.perf_counter() - start
    report = write_report(ctx, book)
    buildstate.save(ctx.store, ctx, buildstate.BuildState(
        files, fingerprint, buildstate.output_files(ctx.out), report, list(ctx.diags.items)))
    return ctx


def _unchanged(ctx: BuildContext, previous: buildstate.BuildState,
               files: dict[str, tuple[int, int, str]], seconds: float) -> BuildContext:
    """The last build's outputs stand: say so in the report, and replay its problems."""
    ctx.diags.items = list(previous.diagnostics)
    report = dict(previous.report)
    report["stages"] = {"check": round(seconds, 4), "read": 0.0, "execute": 0.0, "transform": 0.0,
                        "write": 0.0}
    report["outputs"] = {}
    report["unchanged"] = True
    report["pages"] = [{**page, "tabs": {tab: {**run, "status": "cached" if run.get("status") == "executed"
                                               else run.get("status"), "seconds": 0.0}
                                         for tab, run in page.get("tabs", {}).items()}}
                       for page in report.get("pages", [])]
    if "html" in report:
        report["html"] = {"rendered": 0, "written": 0}
    write_atomic(ctx.out / "report.json",
                 (json.dumps(report, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))
    ctx.extra["unchanged"] = True
    ctx.extra["page_count"] = len(report.get("pages", []))
    if files != previous.files:  # touched files: remember their new times, skip hashing next time
        previous.files = files
        buildstate.save(ctx.store, ctx, previous)
    return ctx


def _runs_code(ctx: BuildContext) -> bool:
    """Code runs when evaluation is on and a target shows outputs (``build lib`` alone shows none)."""
    shows_outputs = any(t != "lib" for t in _expand_targets(ctx.options.targets))
    return ctx.options.evaluate and ctx.config.eval_notebook and shows_outputs


def _evaluation_needs_library(ctx: BuildContext) -> bool:
    """Pages that run import the companion library, so a build that runs code writes it first."""
    return _runs_code(ctx) and any(tab.library is not None for tab in ctx.config.tabs)


def _expand_targets(targets: list[str]) -> list[str]:
    expanded: list[str] = []
    for target in targets or ["html"]:
        for t in (TARGETS if target == "all" else (target,)):
            if t not in TARGETS:
                raise UsageError(f"unknown build target `{t}` (choose from {', '.join(TARGETS)}, all)")
            if t not in expanded:
                expanded.append(t)
    # lib first (execution needs it), html before pdf (same numbers, shared caches)
    return sorted(expanded, key=TARGETS.index)


def is_strict(ctx: BuildContext) -> bool:
    """Warnings count as errors: ``--strict`` or ``[build] strict`` (d2lbook: warning_is_error)."""
    return ctx.options.strict or ctx.config.strict


def exit_status(ctx: BuildContext) -> int:
    """1 when the book has errors, or warnings under strict (as Sphinx's -W); else 0."""
    if ctx.diags.errors or (is_strict(ctx) and ctx.diags.warnings):
        return 1
    return 0


def report_data(ctx: BuildContext, book: Book) -> dict:
    """The machine-readable record of this build (see DESIGN.md)."""
    diagnostics = ctx.diags.sorted()
    # Each problem keeps its kind under strict too; "strict" and "failed" say how it counted.
    warnings = [d.to_json() for d in diagnostics if d.severity == "warning"]
    errors = [d.to_json() for d in diagnostics if d.severity == "error"]
    pages = []
    for source in book.order + book.orphans:
        page = book.pages.get(source)
        if page is None:
            continue
        pages.append({
            "source": source,
            "output": page.output,
            "number": page.number,
            "title": plain_text(page.title).strip(),
            "lang": page.lang or book.lang or ctx.config.lang,
            "part": page.part,
            "tabs": ctx.execution.get(source, {}),
        })
    data = {
        "divebook": __version__,
        "book": {"title": ctx.config.title, "tabs": ctx.config.tab_names,
                 "langs": ctx.extra.get("langs", [book.lang or ctx.config.lang])},
        "pages": pages,
        "warnings": warnings,
        "errors": errors,
        "strict": is_strict(ctx),
        "failed": exit_status(ctx) != 0,
        "stages": {k: round(v, 4) for k, v in ctx.stages.items()},
        "outputs": ctx.outputs,
    }
    for key, value in ctx.extra.items():
        if key not in data:
            data[key] = value
    return data


def write_report(ctx: BuildContext, book: Book, name: str = "report.json") -> dict:
    """Write the report into ``OUT/name``; returns what it holds."""
    data = report_data(ctx, book)
    write_atomic(ctx.out / name, (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))
    return data


def setting_origins(config: Config) -> dict[str, str]:
    """Each setting the configuration files make -> "file:line", plus what an overlay replaced."""
    origins = {}
    for name, pos in sorted(config.settings.items()):
        where = f"{pos.file}:{pos.line}" if pos.line else pos.file
        replaced = config.overridden.get(name)
        if replaced is not None:
            where += f" (overrides {replaced.file}:{replaced.line})" if replaced.line else \
                f" (overrides {replaced.file})"
        origins[name] = where
    return origins


def check(options: BuildOptions,
          links: Callable[[BuildContext], object] | None = None) -> tuple[int, BuildContext]:
    """Read and resolve the book and render it in memory: every problem, nothing written.

    ``links``: ``check --links``, run after the other checks (it asks other sites)."""
    ctx = prepare(options)
    claim_output(ctx)
    ctx.extra["settings"] = setting_origins(ctx.config)
    book = read_stage(ctx)
    transform_stage(ctx)
    from .checks import run_checks

    run_checks(ctx)
    if links is not None:
        links(ctx)
    write_report(ctx, book, "check.json")
    return exit_status(ctx), ctx


__all__ = ["build", "check", "BuildOptions", "BuildContext", "UsageError", "ConfigError", "OutputBusy"]
