"""Environments with uv against venv + pip, and a two-worker Dask cluster against --jobs 2.

    python bench/envs_cluster.py [--only envs,cluster] [--runs 1]

envs: ``divebook env`` on a fresh copy of the starter book (its sources, and
its ``divebook.lock`` where the row says so), both tabs, timed as a user
runs it.  "cold" starts from an empty package cache of the installer (a
fresh ``UV_CACHE_DIR`` / ``PIP_CACHE_DIR``: everything downloaded, except
what pip's configuration finds on this machine's disk); "warm" makes the
environments again, on another copy, with that cache kept.

cluster: bench_execute.py's 16-page book built with ``--jobs 2`` locally and
with ``--executor dask`` on a scheduler and two single-thread workers on
this machine, shipping each page (the default) and with ``--shared-disk``.
Each build is a fresh process on a fresh copy (empty cache); the median of
``--runs``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from bench_execute import make_book  # noqa: E402


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), env.get("PYTHONPATH", "")])
    env.update(extra)
    return env


def _starter_copy(root: Path, lock: bool) -> Path:
    shutil.copytree(REPO / "starter", root, ignore=shutil.ignore_patterns(".divebook", "_build"))
    if not lock:
        (root / "divebook.lock").unlink(missing_ok=True)
    return root


def _divebook_env(book: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "divebook", "env", "-C", str(book)], capture_output=True,
                          text=True, env=env)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"divebook env failed:\n{done.stdout}\n{done.stderr}")
    return elapsed


def bench_envs() -> list[tuple[str, str, float, float]]:
    rows = []
    for installer, lock, label in [("pip", False, "venv + pip, requirements (before)"),
                                   ("pip", True, "venv + pip, from divebook.lock"),
                                   ("uv", False, "uv, requirements (resolve + lock)"),
                                   ("uv", True, "uv, from divebook.lock (after)")]:
        with tempfile.TemporaryDirectory(prefix="divebook-bench-env-") as tmp:
            cache = Path(tmp) / "cache"
            extra = {"DIVEBOOK_INSTALLER": installer}
            extra["UV_CACHE_DIR" if installer == "uv" else "PIP_CACHE_DIR"] = str(cache)
            times = []
            for attempt in ("cold", "warm"):
                book = _starter_copy(Path(tmp) / attempt, lock)
                times.append(_divebook_env(book, _env(**extra)))
                shutil.rmtree(book / ".divebook")  # the disk: two environments are 2 GB
            rows.append((label, installer, times[0], times[1]))
            print(f"  {label}: cold {times[0]:.1f} s, warm {times[1]:.1f} s", flush=True)
    return rows


class LocalDask:
    """A scheduler and two one-thread workers on this machine, as the cluster test starts them."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.procs: list[subprocess.Popen] = []
        self.address = ""

    def __enter__(self) -> "LocalDask":
        dask = str(Path(sys.executable).with_name("dask"))
        sched = self.tmp / "scheduler.json"
        self._start([dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                     "--scheduler-file", str(sched)], "scheduler")
        deadline = time.monotonic() + 60
        while not sched.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(0.2)
        self.address = json.loads(sched.read_text())["address"]
        for name in ("w1", "w2"):
            home = self.tmp / name
            home.mkdir()
            self._start([dask, "worker", self.address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                         "--host", "127.0.0.1", "--name", name], name, cwd=home)
        from distributed import Client

        with Client(self.address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
        return self

    def _start(self, command: list[str], name: str, cwd: Path | None = None) -> None:
        log = open(self.tmp / f"{name}.log", "w")
        self.procs.append(subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=_env(),
                                           cwd=cwd or self.tmp, start_new_session=True))

    def __exit__(self, *exc: object) -> None:
        for proc in self.procs:
            proc.kill()
            proc.wait()


def _build(book: Path, out: Path, extra: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "divebook", "build", "-C", str(book), "--out", str(out),
                           "-q", *extra], capture_output=True, text=True, env=_env())
    elapsed = time.perf_counter() - start
    report = json.loads((out / "report.json").read_text())
    if done.returncode != 0 or report["execution"]["executed"] != 16:
        sys.exit(f"build {extra} failed:\n{done.stderr}\n{report.get('execution')}")
    return elapsed


def bench_cluster(runs: int) -> list[tuple[str, float]]:
    times: dict[str, list[float]] = {"local, --jobs 2": [], "dask, 2 workers, shipped (default)": [],
                                     "dask, 2 workers, --shared-disk": []}
    for run in range(runs):
        with tempfile.TemporaryDirectory(prefix="divebook-bench-dask-") as tmp_name:
            tmp = Path(tmp_name)
            with LocalDask(tmp) as cluster:
                for i, (name, extra) in enumerate([
                        ("local, --jobs 2", ["--jobs", "2"]),
                        ("dask, 2 workers, shipped (default)", ["--executor", "dask", "--scheduler",
                                                                cluster.address]),
                        ("dask, 2 workers, --shared-disk", ["--executor", "dask", "--scheduler",
                                                            cluster.address, "--shared-disk"])]):
                    book = make_book(tmp / f"book{run}-{i}", 16)
                    times[name].append(_build(book, tmp / f"out{run}-{i}", extra))
                    print(f"  {name}: {times[name][-1]:.2f} s", flush=True)
    return [(name, statistics.median(values)) for name, values in times.items()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="envs,cluster")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    only = set(args.only.split(","))
    if "envs" in only:
        rows = bench_envs()
        print("\n| starter book, both tabs | cold cache (s) | warm cache (s) |\n| --- | --- | --- |")
        for label, _installer, cold, warm in rows:
            print(f"| {label} | {cold:.1f} | {warm:.1f} |")
    if "cluster" in only:
        rows2 = bench_cluster(args.runs)
        print("\n| 16-page book, empty cache | seconds |\n| --- | --- |")
        for name, seconds in rows2:
            print(f"| {name} | {seconds:.2f} |")


if __name__ == "__main__":
    main()
