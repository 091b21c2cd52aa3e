"""Kernel environments for the execution tests: real venvs, registered per test.

A venv is made once per machine and Python version under the temp folder
(reused while its package list is unchanged) and registered as a kernelspec
in a test's own ``JUPYTER_PATH``, never in the user's Jupyter folders.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.conftest import REPO, require


def kernel_venv(name: str, packages: list[str], timeout: float = 1200,
                on_top_of: Path | None = None, pip_args: tuple[str, ...] = ()) -> Path:
    """A venv holding ``packages`` and ipykernel; made once and reused.

    ``on_top_of`` (another venv's interpreter, e.g. a starter tab's) makes a
    venv that also sees that venv's packages, through a ``.pth`` file: pip
    then installs only what it lacks, and the big framework is not fetched
    again.  A change to the other venv's packages makes this one again.
    ``pip_args`` go to ``pip install`` (an extra index, say).
    """
    version = f"py{sys.version_info.major}{sys.version_info.minor}"
    root = Path(tempfile.gettempdir()) / f"divebook-test-env-{name}-{version}"
    base_site = _site_packages(on_top_of) if on_top_of is not None else None
    wanted = json.dumps(sorted(set(packages + ["ipykernel"])) + list(pip_args))
    # what the stamp records: the packages, and for an overlay the state of the venv below
    state = json.dumps([wanted, str(base_site), base_site.stat().st_mtime_ns]) if base_site else wanted
    lock_path = root.with_suffix(".lock")
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stamp = root / ".divebook-ready"
        if stamp.exists() and stamp.read_text() == state and (root / "bin" / "python").exists():
            return root
        shutil.rmtree(root, ignore_errors=True)
        python = str(on_top_of) if on_top_of is not None else sys.executable
        made = subprocess.run([python, "-m", "venv", str(root)], capture_output=True, text=True)
        require(made.returncode == 0, f"a venv for the `{name}` kernel ({made.stderr.strip()[-300:]})")
        if base_site is not None:
            (_site_packages(root / "bin" / "python") / "divebook-base.pth").write_text(f"{base_site}\n")
        pip = subprocess.run([str(root / "bin" / "python"), "-m", "pip", "install", "-q",
                              *json.loads(wanted)], capture_output=True, text=True, timeout=timeout)
        require(pip.returncode == 0, f"pip install {' '.join(json.loads(wanted))} for the `{name}` "
                f"kernel ({pip.stderr.strip()[-500:]})")
        stamp.write_text(state)
        return root


def _site_packages(python: Path) -> Path:
    """The ``site-packages`` folder of the venv whose interpreter is ``python``."""
    found = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                           capture_output=True, text=True)
    assert found.returncode == 0, f"the venv's Python at {python} does not run: {found.stderr.strip()[-300:]}"
    return Path(found.stdout.strip())


def register_kernel(jupyter_path: Path, name: str, python: Path | str, env: dict | None = None,
                    argv: list[str] | None = None) -> None:
    """Write a kernelspec ``name`` into ``jupyter_path/kernels``."""
    folder = jupyter_path / "kernels" / name
    folder.mkdir(parents=True, exist_ok=True)
    spec = {"argv": argv or [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": name, "language": "python", "env": env or {}}
    (folder / "kernel.json").write_text(json.dumps(spec))


def divebook_env(jupyter_path: Path | None = None, **extra: str) -> dict[str, str]:
    """The environment for running the divebook command from this checkout."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO / "src")
    if jupyter_path is not None:
        env["JUPYTER_PATH"] = str(jupyter_path)
    env.update(extra)
    return env


def run_divebook(args: list[str], env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "divebook", *args], capture_output=True, text=True,
                          env=env, timeout=timeout)


def report(out: Path) -> dict:
    return json.loads((out / "report.json").read_text())


def statuses(out: Path) -> dict[tuple[str, str], str]:
    """(page, tab) -> executed|cached|failed|skipped from the build's report."""
    return {(p["source"], tab): entry["status"] for p in report(out)["pages"]
            for tab, entry in p["tabs"].items()}


def alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie waiting for its parent does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split()[2] == "Z")
