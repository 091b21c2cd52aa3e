"""`--executor dask`: a real scheduler and two worker processes on 127.0.0.1.

One worker is killed (SIGKILL) while it runs a page; the scheduler gives the
page to the other worker and the build finishes with every page executed.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import require, write_book
from tests.integration.execute_envs import divebook_env, report, run_divebook, statuses

pytestmark = [pytest.mark.kernel, pytest.mark.dask]

CELL = """```{{.python .input}}
import os, time
worker = os.environ["DIVEBOOK_TEST_WORKER"]
open(os.path.join({markers!r}, "{name}-" + worker), "w").close()
time.sleep({sleep})
print("{name} ran on", worker)
```
"""


def _dask_command() -> list[str]:
    dask = Path(sys.executable).with_name("dask")
    require(dask.exists() or shutil.which("dask") is not None, "the `dask` command (dask.distributed)")
    return [str(dask) if dask.exists() else "dask"]


class Cluster:
    """A scheduler and named workers, each its own process group, all stopped at the end."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.procs: dict[str, subprocess.Popen] = {}
        self.address = ""

    def _start(self, name: str, args: list[str], **env: str) -> subprocess.Popen:
        log = open(self.tmp / f"{name}.log", "w")
        proc = subprocess.Popen(_dask_command() + args, stdout=log, stderr=subprocess.STDOUT,
                                env=divebook_env(**env), start_new_session=True, cwd=self.tmp)
        self.procs[name] = proc
        return proc

    def start(self, workers: dict[str, list[str]]) -> None:
        sched_file = self.tmp / "scheduler.json"
        self._start("scheduler", ["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                  "--scheduler-file", str(sched_file)])
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not sched_file.exists():
            time.sleep(0.2)
        assert sched_file.exists(), (self.tmp / "scheduler.log").read_text()
        time.sleep(0.2)
        self.address = json.loads(sched_file.read_text())["address"]
        for name, extra in workers.items():
            self._start(name, ["worker", self.address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                               "--host", "127.0.0.1", "--name", name, *extra], DIVEBOOK_TEST_WORKER=name)
        from distributed import Client

        with Client(self.address, timeout="30s") as client:
            client.wait_for_workers(len(workers), timeout=60)

    def kill(self, name: str) -> None:
        os.killpg(self.procs[name].pid, signal.SIGKILL)
        self.procs[name].wait()

    def stop(self) -> None:
        """Test processes need no graceful shutdown; their kernels exit with them."""
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


@pytest.fixture
def cluster(tmp_path: Path):
    c = Cluster(tmp_path)
    try:
        yield c
    finally:
        c.stop()


def test_build_on_a_dask_cluster_survives_a_killed_worker(tmp_path: Path, cluster: Cluster):
    markers = tmp_path / "markers"
    markers.mkdir()
    names = ["a", "b", "c", "d"]
    files = {f"{n}.md": f"# {n}\n\n" + CELL.format(markers=str(markers), name=n, sleep=4) for n in names}
    files["gpu.md"] = "---\nresources: {gpus: 1}\n---\n# gpu\n\n" + CELL.format(
        markers=str(markers), name="gpu", sleep=0)
    files["greedy.md"] = "---\nresources: {gpus: 2}\n---\n# greedy\n\n" + CELL.format(
        markers=str(markers), name="greedy", sleep=0)
    files["index.md"] = "# Cluster book\n\n```toc\n" + "\n".join(names + ["gpu", "greedy"]) + "\n```\n"
    book = write_book(tmp_path / "book", files)
    cluster.start({"A": [], "B": ["--resources", "GPU=1"]})

    build = subprocess.Popen([sys.executable, "-m", "divebook", "build", "-C", str(book),
                              "--executor", "dask", "--scheduler", cluster.address],
                             env=divebook_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    victim = []
    while time.monotonic() < deadline and not victim and build.poll() is None:
        victim = [p.name.rsplit("-", 1)[0] for p in markers.iterdir() if p.name.endswith("-A")]
        time.sleep(0.1)
    assert victim, "no page ever started on worker A"
    cluster.kill("A")
    try:
        stdout, stderr = build.communicate(timeout=240)
    finally:
        if build.poll() is None:
            build.kill()
    assert build.returncode == 1, stderr  # the page that wants 2 GPUs cannot run anywhere

    out = book / "_build"
    st = statuses(out)
    assert all(st[(f"{n}.md", "python")] == "executed" for n in names + ["gpu"]), st
    assert st[("greedy.md", "python")] == "failed"
    [error] = report(out)["errors"]
    assert error["file"] == "greedy.md" and "needs 2 GPU(s)" in error["message"]
    assert "--resources GPU=2" in error["message"]
    # The page worker A was running when it died was run again, to the end, on worker B.
    page = victim[0]
    assert (markers / f"{page}-B").exists()
    assert f"{page} ran on B" in (out / f"html/{page}.html").read_text()
    assert "gpu ran on B" in (out / "html/gpu.html").read_text()  # only B offers a GPU
    assert report(out)["execution"]["executor"] == "dask"

    # The results came back into the cache: the next build runs nothing, even locally.
    again = run_divebook(["build", "-C", str(book)], divebook_env())
    assert all(statuses(out)[(f"{n}.md", "python")] == "cached" for n in names + ["gpu"])
    assert again.returncode == 1


def test_unreachable_scheduler_is_a_clear_error(tmp_path: Path):
    book = write_book(tmp_path / "book", {"index.md": "# One\n\n```{.python .input}\nprint(1)\n```\n"})
    start = time.monotonic()
    done = run_divebook(["build", "-C", str(book), "--executor", "dask", "--scheduler",
                         "tcp://127.0.0.1:9"], divebook_env(), timeout=180)
    assert time.monotonic() - start < 120
    assert done.returncode == 1
    [error] = report(book / "_build")["errors"]
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in error["message"]
    assert statuses(book / "_build") == {("index.md", "python"): "failed"}
