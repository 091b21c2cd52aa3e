"""Nothing changed since the last build? Then there is nothing to do.

A build records a fingerprint of everything its outputs depend on: every
file of the book (by content: ``touch`` changes nothing), the command's
options, divebook's own code, and a cheap sign of each tab's environment
(when code runs).  The next build with the same fingerprint, whose outputs
are all still there, only rewrites its report — no page is read, run or
rendered.  Its problems are replayed from the last build, so a book with
warnings or errors in its text costs no more than a clean one.

A build with an error that something outside the book may have caused (a
cell that failed, a kernel that did not start, LaTeX missing) is never
skipped: building again is how an author checks a fix made elsewhere (a
package installed, a network back).  Only errors whose cause the book's
files alone decide, and which the fingerprint therefore covers, are replayed.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .cache import Store, digest
from .diagnostics import Diagnostic
from .fingerprint import code_digest
from .outlock import LOCK_NAME

#: folders of a book that are not its sources
_SKIP = {"_build", ".git", ".divebook", "__pycache__", ".ipynb_checkpoints", "node_modules"}
_NAMESPACE = "state"

#: Error codes decided by the book's files alone (and the options and divebook's code, which
#: are in the fingerprint too): with the same fingerprint the same errors come back.  Any
#: other error (execution, kernels, environments, LaTeX, a file outside the book) and an
#: error without a code make the next build run in full.
BOOK_ERRORS = frozenset({
    "bib-syntax", "duplicate-label", "encoding", "front-matter", "image-outside", "label",
    "library-alias", "library-config", "library-mark", "library-syntax", "math",
    "missing-citation", "missing-image", "no-index", "orphan", "tab-mark", "toc",
    "unclosed-fence", "unknown-role", "unresolved-ref",
})


@dataclass
class BuildState:
    """What the last build saw and made."""

    files: dict[str, tuple[int, int, str]] = field(default_factory=dict)  # rel -> (size, mtime, sha)
    fingerprint: str = ""
    outputs: dict[str, int] = field(default_factory=dict)  # output file -> size
    report: dict = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def _book_files(root: Path, out: Path) -> dict[str, os.stat_result]:
    found: dict[str, os.stat_result] = {}
    out = out.resolve()
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith(".") and entry.name != ".":
                continue
            if entry.is_dir(follow_symlinks=False):
                if entry.name in _SKIP or Path(entry.path).resolve() == out:
                    continue
                stack.append(Path(entry.path))
            elif entry.is_file():
                found[Path(entry.path).relative_to(root).as_posix()] = entry.stat()
    return found


def _environment_signs(config, evaluate: bool) -> list[str]:  # type: ignore[no-untyped-def]
    """When code runs: what would change if a tab's packages changed (cheap: no kernel lookup).

    Installing or removing a package changes its site-packages folder's time stamp.
    """
    if not evaluate or not config.eval_notebook:
        return []
    signs = []
    for tab in config.tab_names:
        spec = config.tab(tab)
        if spec.requirements:
            prefix = config.root / ".divebook" / "envs" / tab
        elif spec.kernel == "python3":
            prefix = Path(sys.prefix)
        else:
            prefix = _kernel_prefix(spec.kernel)
        stamps = []
        if prefix is not None:
            for site in sorted(prefix.glob("lib/python*/site-packages")):
                try:
                    stamps.append(f"{site}:{site.stat().st_mtime_ns}")
                except OSError:
                    pass
        signs.append(f"{tab}:{spec.kernel}:{prefix}:{','.join(stamps)}:{sorted(spec.env.items())}")
    return signs


def _kernel_prefix(name: str) -> Path | None:
    """The environment of a named kernelspec, found the way Jupyter looks for it."""
    from jupyter_core.paths import jupyter_path

    for folder in jupyter_path("kernels"):
        spec = Path(folder) / name / "kernel.json"
        try:
            argv = json.loads(spec.read_text())["argv"]
        except (OSError, ValueError, KeyError):
            continue
        program = Path(argv[0]) if argv else None
        return program.parent.parent if program and program.is_absolute() else None
    return None


def _options(ctx) -> str:  # type: ignore[no-untyped-def]
    o = ctx.options
    return repr((sorted(o.targets or ["html"]), o.tab, o.evaluate, o.lang, o.strict,
                 getattr(o, "index_search", True), o.executor, o.scheduler,
                 getattr(o, "background", None) is not None))


def fingerprint(ctx, previous: BuildState) -> tuple[str, dict[str, tuple[int, int, str]]]:  # type: ignore[no-untyped-def]
    """The fingerprint of this build's inputs, and the file table to remember."""
    files: dict[str, tuple[int, int, str]] = {}
    for rel, st in sorted(_book_files(ctx.config.root, ctx.out).items()):
        old = previous.files.get(rel)
        if old and old[0] == st.st_size and old[1] == st.st_mtime_ns:
            sha = old[2]
        else:
            try:
                sha = hashlib.sha256((ctx.config.root / rel).read_bytes()).hexdigest()
            except OSError:
                continue
        files[rel] = (st.st_size, st.st_mtime_ns, sha)
    parts = [code_digest(), _options(ctx), str(ctx.out)]
    parts += [f"{rel}:{sha}" for rel, (_, _, sha) in files.items()]
    parts += _environment_signs(ctx.config, ctx.options.evaluate)
    return digest(*parts), files


def _state_key(ctx) -> str:  # type: ignore[no-untyped-def]
    return digest("build-state", str(ctx.out))


def load(store: Store, ctx) -> BuildState:  # type: ignore[no-untyped-def]
    state = store.get_object(_NAMESPACE, _state_key(ctx))
    return state if isinstance(state, BuildState) else BuildState()


#: A search index is checked by its entry file only: ``serve`` rewrites it in the background.
_SEARCH_ENTRY = "_pagefind/pagefind-entry.json"


def replayable(previous: BuildState) -> bool:
    """Whether the same inputs would give the last build's results again: all its problems
    come from the book's text, and no code was left running (``serve``'s pending runs)."""
    if previous.report.get("execution", {}).get("pending"):
        return False
    return all(d.severity != "error" or d.code in BOOK_ERRORS for d in previous.diagnostics)


def outputs_intact(out: Path, outputs: dict[str, int]) -> bool:
    for rel, size in outputs.items():
        try:
            if (out / rel).stat().st_size != size and size >= 0:
                return False
        except OSError:
            return False
    return bool(outputs)


def output_files(out: Path) -> dict[str, int]:
    """Every file the build left in ``out`` (the cache, the report and search fragments aside)."""
    found = {}
    for folder, dirs, files in os.walk(out):
        rel_folder = Path(folder).relative_to(out).as_posix()
        if rel_folder == ".":
            dirs[:] = [d for d in dirs if d != ".cache"]
            rel_folder = ""
        dirs[:] = [d for d in dirs if "_pagefind" not in d]
        for name in files:
            rel = f"{rel_folder}/{name}" if rel_folder else name
            if rel in ("report.json", "check.json", LOCK_NAME):
                continue
            found[rel] = os.stat(os.path.join(folder, name)).st_size
        for d in ("_pagefind",):
            entry = Path(folder) / d / "pagefind-entry.json"
            if entry.is_file():
                found[f"{rel_folder}/{d}/pagefind-entry.json" if rel_folder else _SEARCH_ENTRY] = -1
    return found


def invalidate(store: Store, ctx, files: dict[str, tuple[int, int, str]]) -> None:  # type: ignore[no-untyped-def]
    """Before a build writes anything: a state that vouches for nothing (its file table kept).

    The full state is saved only once every output is complete, so a build killed in
    between leaves no state that would let the next one skip work.
    """
    store.put_object(_NAMESPACE, _state_key(ctx), BuildState(files=files))


def save(store: Store, ctx, state: BuildState) -> None:  # type: ignore[no-untyped-def]
    store.put_object(_NAMESPACE, _state_key(ctx), state)
