"""`--executor dask` without a shared disk: workers that cannot see the book at all.

Two workers, each in its own mount namespace where the book's folder is an
empty tmpfs and its working directory is its own temporary folder.  A cell
checks from inside the kernel that the book cannot be read; the pages still
import the companion library, read a named data folder and a declared
input, show text and an image, and write a file that comes back.  A worker
is killed while it runs a page; the page runs again on the other.  The
results fill the cache as a local run would: a local rebuild runs nothing.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import require, write_book
from tests.integration.execute_envs import divebook_env, report, run_divebook, statuses
from tests.integration import test_dask_build
from tests.integration.test_dask_build import Cluster, _dask_command

cluster = test_dask_build.cluster  # the same fixture: a scheduler and workers, killed after the test

pytestmark = [pytest.mark.kernel, pytest.mark.dask]

TOML = """
[project]
title = "Shipped"

[build]
tabs = ["python"]
resources = ["data/"]

[tabs.python.library]
file = "shiplib/core.py"
"""

SAVE = '''
```{.python .input}
def bar_png(values):  #@save
    """A bar chart as a PNG, with nothing but the standard library."""
    import struct, zlib
    from IPython.display import Image
    width, height = 10 * len(values), 40
    top = max(values)
    rows = []
    for y in range(height):
        row = bytearray([0])
        for v in values:
            on = height - y <= v * height / top
            row += bytes([0, 0, 200] if on else [255, 255, 255]) * 10
        rows.append(bytes(row))
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    png = (b"\\x89PNG\\r\\n\\x1a\\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b""))
    return Image(data=png, format="png")
```
'''

PAGE = '''---
inputs: [notes.txt]
---
# {name}

```{{.python .input}}
import os, time
worker = os.environ["DIVEBOOK_TEST_WORKER"]
open(os.path.join({markers!r}, "{name}-" + worker), "w").close()
book = {book!r}
print("book readable:", os.path.exists(os.path.join(book, "index.md")), os.path.exists(os.path.join(book, "_build")))
print("cwd is the book:", os.getcwd().startswith(book))
time.sleep(3)
```

```{{.python .input}}
from shiplib import core as lib
points = open("../data/points.csv").read().split()
print("{name} points", points, "notes", open("notes.txt").read().strip())
with open("written-{name}.txt", "w") as f:
    f.write("{name} wrote this on " + worker)
lib.bar_png([int(p) for p in points])
```
'''


def _unshare_prefix() -> list[str] | None:
    """A mount namespace as root, or inside a user namespace where an unprivileged user may
    make one (CI may run either way)."""
    if shutil.which("unshare") is None:
        return None
    for prefix in (["unshare", "--mount"], ["unshare", "--user", "--map-root-user", "--mount"]):
        if subprocess.run([*prefix, "true"], capture_output=True).returncode == 0:
            return prefix
    return None


def _confined(cluster: Cluster, book: Path) -> None:
    """Start workers whose mount namespace hides ``book`` and whose cwd is their own folder."""
    prefix = _unshare_prefix()
    require(prefix is not None,
            "`unshare --mount` (root, or user namespaces) to hide the book from the workers")
    start = cluster._start

    def confined_start(name: str, args: list[str], **env: str):
        if args[0] != "worker":
            return start(name, args, **env)
        home = cluster.tmp / f"worker-{name}"
        home.mkdir()
        script = 'mount -t tmpfs divebook-hidden "$1" && cd "$2" && shift 2 && exec "$@"'
        wrapped = [*prefix, "--propagation", "private", "sh", "-c", script, "sh",
                   str(book), str(home), *_dask_command(), *args]
        log = open(cluster.tmp / f"{name}.log", "w")
        proc = subprocess.Popen(wrapped, stdout=log, stderr=subprocess.STDOUT,
                                env=divebook_env(**env), start_new_session=True, cwd=home)
        cluster.procs[name] = proc
        return proc

    cluster._start = confined_start  # type: ignore[method-assign]


def test_pages_run_on_workers_that_cannot_see_the_book(tmp_path: Path, cluster: Cluster):
    markers = tmp_path / "markers"
    markers.mkdir()
    book_dir = tmp_path / "book"
    files = {
        "divebook.toml": TOML,
        "index.md": "# Shipped\n\n```toc\nsave\nchapter/one\nchapter/two\n```\n",
        "save.md": "# Save\n" + SAVE,
        "data/points.csv": "3 1 2\n",
        "chapter/notes.txt": "declared input\n",
    }
    for name in ("one", "two"):
        files[f"chapter/{name}.md"] = PAGE.format(name=name, markers=str(markers), book=str(book_dir))
    book = write_book(book_dir, files)
    _confined(cluster, book)
    cluster.start({"A": [], "B": []})

    build = subprocess.Popen([sys.executable, "-m", "divebook", "build", "-C", str(book),
                              "--executor", "dask", "--scheduler", cluster.address],
                             env=divebook_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    victim: list[str] = []
    while time.monotonic() < deadline and not victim and build.poll() is None:
        victim = [p.name.rsplit("-", 1)[0] for p in markers.iterdir() if p.name.endswith("-A")]
        time.sleep(0.1)
    assert victim, "no page ever started on worker A:\n" + (tmp_path / "A.log").read_text()
    cluster.kill("A")
    try:
        stdout, stderr = build.communicate(timeout=300)
    finally:
        if build.poll() is None:
            build.kill()
    assert build.returncode == 0, stdout + stderr

    out = book / "_build"
    st = statuses(out)
    assert st == {("save.md", "python"): "executed", ("chapter/one.md", "python"): "executed",
                  ("chapter/two.md", "python"): "executed"}, st
    page = victim[0]
    assert (markers / f"{page}-B").exists()  # run again, to the end, on the other worker
    for name in ("one", "two"):
        html = (out / f"html/chapter/{name}.html").read_text()
        assert "book readable: False False" in html  # checked from inside the kernel
        assert "cwd is the book: False" in html
        assert f"{name} points [&#x27;3&#x27;, &#x27;1&#x27;, &#x27;2&#x27;] notes declared input" in html \
            or f"{name} points ['3', '1', '2'] notes declared input" in html
        assert "image/png" in html or ".png" in html  # the library's plot came back
        written = out / f"run/python/chapter/written-{name}.txt"
        assert written.read_text().startswith(f"{name} wrote this on ")
    assert (out / "html/chapter/two.html").read_text().count("<img") >= 1
    assert report(out)["execution"]["executor"] == "dask"

    # The results are in the cache as for a local run: a local build runs nothing.
    again = run_divebook(["build", "-C", str(book)], divebook_env())
    assert again.returncode == 0, again.stderr
    assert set(statuses(out).values()) == {"cached"}


def test_shared_disk_mode_still_runs_in_the_build_folder(tmp_path: Path, cluster: Cluster):
    book = write_book(tmp_path / "book", {"index.md": "# One\n\n```{.python .input}\nimport os\n"
                                          "print('in', os.getcwd())\n```\n"})
    cluster.start({"A": []})
    done = run_divebook(["build", "-C", str(book), "--executor", "dask", "--scheduler", cluster.address,
                         "--shared-disk"], divebook_env(DIVEBOOK_TEST_WORKER="A"), timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"in {(book / '_build/run/python').resolve()}" in (book / "_build/html/index.html").read_text()


def test_pages_waiting_for_gpus_that_left_are_reported_not_hung(tmp_path: Path, cluster: Cluster):
    markers = tmp_path / "markers"
    markers.mkdir()
    cell = ("---\nresources: {{gpus: 1}}\n---\n# {name}\n\n```{{.python .input}}\nimport os, time\n"
            "open(os.path.join({markers!r}, '{name}-' + os.environ['DIVEBOOK_TEST_WORKER']), 'w').close()\n"
            "time.sleep(30)\n```\n")
    files = {f"{n}.md": cell.format(name=n, markers=str(markers)) for n in ("g1", "g2")}
    files["index.md"] = "# GPUs\n\n```toc\ng1\ng2\n```\n"
    book = write_book(tmp_path / "book", files)
    cluster.start({"A": [], "B": ["--resources", "GPU=1"]})
    start = time.monotonic()
    build = subprocess.Popen([sys.executable, "-m", "divebook", "build", "-C", str(book), "--executor",
                              "dask", "--scheduler", cluster.address],
                             env=divebook_env(DIVEBOOK_GPU_WAIT="3"), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    while time.monotonic() - start < 120 and not list(markers.iterdir()) and build.poll() is None:
        time.sleep(0.1)
    assert list(markers.iterdir()), "no GPU page started on worker B"
    cluster.kill("B")  # the only GPU worker leaves with one page running and one waiting
    try:
        build.communicate(timeout=120)
    finally:
        if build.poll() is None:
            build.kill()
    assert time.monotonic() - start < 100  # far less than the pages' 30 s each, run again
    assert build.returncode == 1
    st = statuses(book / "_build")
    assert st == {("g1.md", "python"): "failed", ("g2.md", "python"): "failed"}, st
    messages = [e["message"] for e in report(book / "_build")["errors"]]
    assert len(messages) == 2 and all("no worker of the cluster offers that many any more" in m
                                      for m in messages), messages
    assert not [p for p in markers.iterdir() if p.name.endswith("-A")]  # never ran without a GPU
