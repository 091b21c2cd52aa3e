"""A page's run for a cluster without a shared disk: everything it needs travels with the task.

The client packs, per task, the page's notebook (already in the ``Job``),
the companion library packages its code imports and the files its front
matter declares in ``inputs``; the book's named folders (``[build]
resources``: figures, data) are packed once per build and handed to Dask,
which moves them to each worker once.  On the worker, ``run_shipped``
unpacks all of it into a fresh temporary copy of the book, runs the page in
its folder there with the shipped library first on ``sys.path``, and sends
back, with the executed notebook, the files the run wrote or changed there
(up to a size limit: downloads and checkpoints stay on the worker).  The
client writes those into the build's copy of the book, where a local run
would have left them.

Workers need divebook and the tab's kernel (by its name) installed, nothing
of the book.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from .runner import Job, JobResult, run_job

#: files larger than this that a page writes stay on the worker (downloads, checkpoints)
BRING_BACK_FILE_LIMIT = 20 * 1024 * 1024
#: and at most this much comes back per task
BRING_BACK_TOTAL_LIMIT = 100 * 1024 * 1024


@dataclass(slots=True)
class Parcel:
    """What travels with one task, besides its notebook."""

    page_dir: str  # the page's folder, book-relative ("" at the top)
    files: dict[str, bytes] = field(default_factory=dict)  # book-relative: the declared inputs
    library: dict[str, bytes] = field(default_factory=dict)  # relative to the library root


@dataclass(slots=True)
class Shared:
    """The book's named folders, packed once per build and cached on each worker by digest."""

    digest: str
    files: dict[str, bytes]


@dataclass(slots=True)
class ShippedResult:
    result: JobResult
    #: book-relative path -> content of what the run wrote
    files: dict[str, bytes] = field(default_factory=dict)
    #: what was too big to bring back
    left: list[str] = field(default_factory=list)


def _read_tree(root: Path, rel: str, into: dict[str, bytes], suffixes: tuple[str, ...] = ()) -> None:
    """Add ``root/rel`` (a file, or every file under a folder) to ``into`` by relative path."""
    path = root / rel
    if path.is_file():
        try:
            into[Path(rel).as_posix()] = path.read_bytes()
        except OSError:
            pass
        return
    for folder, dirs, names in os.walk(path):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in ("__pycache__", "_build")]
        for name in names:
            file = Path(folder) / name
            if suffixes and file.suffix not in suffixes:
                continue
            try:
                into[file.relative_to(root).as_posix()] = file.read_bytes()
            except OSError:
                continue


def pack_shared(book_root: Path, resources: list[str]) -> Shared:
    """The files of the folders and files ``[build] resources`` names, with a digest of them all."""
    files: dict[str, bytes] = {}
    for entry in resources:
        rel = entry.strip().strip("/")
        if rel and not rel.startswith("..") and not Path(rel).is_absolute():
            _read_tree(book_root, rel, files)
    h = hashlib.sha256()
    for name in sorted(files):
        h.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    return Shared(h.hexdigest(), files)


def pack(job: Job, book_root: Path, lib_root: Path, library_files: list[str], inputs: list[str]) -> Job:
    """``job`` with its parcel: the library packages it imports and its declared inputs."""
    parcel = Parcel(page_dir=os.path.dirname(job.source))
    for lib_file in library_files:
        top = Path(lib_file).parts[0]
        _read_tree(lib_root, top, parcel.library, (".py",) if (lib_root / top).is_dir() else ())
    for rel in inputs:
        _read_tree(book_root, rel, parcel.files)
    env = dict(job.env)
    env.pop("PYTHONPATH", None)  # the client's paths mean nothing on a worker: set there
    # kernel_dirs stay: a worker on the book's machine finds the tab's environment there; elsewhere
    # the folders do not exist and the kernel is found by name among the worker's own.
    return replace(job, env=env, cwd="", parcel=parcel)


def ship_runs(config, out: Path, runs: list) -> Shared:  # type: ignore[no-untyped-def]
    """Give each run's job its parcel; the book's named folders, packed once, are returned."""
    from ..library import imported_library_files, library_root

    lib_root = library_root(out)
    for run in runs:
        code = [c.source for c in run.notebook.code_cells]
        run.job = pack(run.job, config.root, lib_root, imported_library_files(code, config, run.tab),
                       list(run.settings.inputs))
    return pack_shared(config.root, list(config.resources))


def _write(root: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def _shared_copy(shared: Shared) -> Path:
    """The shared files unpacked once per worker machine (by digest), to copy from."""
    cache = Path(tempfile.gettempdir()) / f"divebook-shared-{shared.digest[:20]}"
    if not (cache / ".complete").exists():
        staging = Path(tempfile.mkdtemp(prefix="divebook-shared-"))
        _write(staging, shared.files)
        (staging / ".complete").touch()
        try:
            staging.rename(cache)
        except OSError:  # another task of this worker got there first
            shutil.rmtree(staging, ignore_errors=True)
    return cache


def _copy_shared(source: Path, target: Path) -> None:
    """A copy, not links: a page that writes into a named folder must not change the worker's cache."""
    shutil.copytree(source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".complete"))


def run_shipped(job: Job, shared: Shared | None = None) -> ShippedResult:
    """On a worker: unpack ``job``'s parcel into a temporary book, run it, bring back what it wrote."""
    parcel = job.parcel
    assert parcel is not None, "run_shipped needs a packed job"
    work = Path(tempfile.mkdtemp(prefix="divebook-task-"))
    try:
        book, lib = work / "book", work / "lib"
        book.mkdir()
        lib.mkdir()
        if shared is not None and shared.files:
            _copy_shared(_shared_copy(shared), book)
        _write(book, parcel.files)
        _write(lib, parcel.library)
        cwd = book / parcel.page_dir
        cwd.mkdir(parents=True, exist_ok=True)
        before = _stamps(book)
        inherited = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
        env = {**job.env, "PYTHONPATH": os.pathsep.join([str(lib), *inherited])}
        result = run_job(replace(job, cwd=str(cwd), env=env))
        files, left = _written(book, before)
        return ShippedResult(result, files, left)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _stamps(root: Path) -> dict[str, tuple[int, int]]:
    stamps = {}
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            st = path.stat()
            stamps[path.relative_to(root).as_posix()] = (st.st_size, st.st_mtime_ns)
    return stamps


def _written(root: Path, before: dict[str, tuple[int, int]]) -> tuple[dict[str, bytes], list[str]]:
    """Files new or changed since ``before``, small enough to send back."""
    files: dict[str, bytes] = {}
    left: list[str] = []
    total = 0
    for rel, stamp in sorted(_stamps(root).items()):
        if before.get(rel) == stamp:
            continue
        if stamp[0] > BRING_BACK_FILE_LIMIT or total + stamp[0] > BRING_BACK_TOTAL_LIMIT:
            left.append(rel)
            continue
        try:
            files[rel] = (root / rel).read_bytes()
            total += stamp[0]
        except OSError:
            continue
    return files, left


def unpack_written(run_root: Path, shipped: ShippedResult) -> None:
    """Put what a worker's run wrote into the build's copy of the book."""
    root = run_root.resolve()
    for rel, data in shipped.files.items():
        target = (root / rel).resolve()
        if not target.is_relative_to(root):
            continue  # a path that climbs out of the build's copy: never written
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
