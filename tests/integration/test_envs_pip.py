"""Per-tab environments made for real with the fallback installer, venv + pip:
a missing package, a killed install, reuse, the kernel (uv: test_envs_uv.py).

Each test makes a real virtual environment with pip (a small requirement
plus ipykernel, from the package index), so they take tens of seconds.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from divebook import envs
from divebook.config import load_config
from divebook.diagnostics import Diagnostics

REPO = Path(__file__).resolve().parents[2]

TOML = """\
[project]
name = "envs-test"

[build]
tabs = ["small"]

[tabs.small]
requirements = {requirements}
"""


def _book(root: Path, requirements: list[str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "index.md").write_text("# Envs\n")
    (root / "divebook.toml").write_text(TOML.format(requirements=json.dumps(requirements)))
    return root


def _env_command(book: Path, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "DIVEBOOK_INSTALLER": "pip"}
    return subprocess.Popen([sys.executable, "-m", "divebook", "env", "-C", str(book)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, **kwargs)


def _run_env(book: Path) -> tuple[int, str]:
    proc = _env_command(book)
    out, _ = proc.communicate(timeout=600)
    return proc.returncode, out


@pytest.mark.kernel
def test_environment_is_made_reused_and_runs_its_kernel(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "user-jupyter"))
    book = _book(tmp_path / "book", ["six"])
    code, out = _run_env(book)
    assert code == 0, out
    assert "creating the environment" in out and "Successfully installed" in out
    state_file = envs.env_dir(book, "small") / envs.STATE_FILE
    created = json.loads(state_file.read_text())["created"]

    # unchanged requirements: reused, no pip
    code, out = _run_env(book)
    assert code == 0, out
    assert "creating" not in out and "Collecting" not in out
    assert json.loads(state_file.read_text())["created"] == created

    # the kernel runs in the environment, found only in the book's folder
    config = load_config(book, Diagnostics())
    tab_env = envs.tab_environment(config, "small")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import sys, six\nprint(sys.prefix)")]
    from jupyter_client import KernelManager

    km = KernelManager(kernel_name=tab_env.kernel_name, kernel_spec_manager=tab_env.kernel_spec_manager())
    try:
        NotebookClient(nb, km=km, timeout=120).execute()
    finally:
        if km.has_kernel:
            km.shutdown_kernel(now=True)
    printed = nb.cells[0].outputs[0]["text"].strip()
    assert Path(printed).resolve() == envs.env_dir(book, "small").resolve()
    assert not (tmp_path / "user-jupyter").exists()

    # changed requirements: the environment is made again, with the new package
    _book(book, ["six", "idna"])
    code, out = _run_env(book)
    assert code == 0, out
    assert "the requirements changed" in out
    fingerprint = envs.tab_environment(load_config(book, Diagnostics()), "small").fingerprint
    assert fingerprint != tab_env.fingerprint


@pytest.mark.kernel
def test_a_requirement_that_does_not_exist(tmp_path):
    book = _book(tmp_path / "book", ["six", "divebook-no-such-package-4711==1.0"])
    code, out = _run_env(book)
    assert code == 1
    assert "requirement `divebook-no-such-package-4711==1.0` could not be installed" in out
    assert "divebook.toml:" in out  # where to fix it
    assert "Traceback" not in out
    assert not envs.env_dir(book, "small").exists()  # nothing half-made is left
    assert envs.log_file(book, "small").exists()

    _book(book, ["six"])  # mended
    code, out = _run_env(book)
    assert code == 0, out
    assert envs.env_status(load_config(book, Diagnostics()), "small") == "ready"


@pytest.mark.kernel
def test_a_killed_install_is_repaired_on_the_next_run(tmp_path):
    book = _book(tmp_path / "book", ["six"])
    proc = _env_command(book, start_new_session=True)
    log = envs.log_file(book, "small")
    deadline = time.monotonic() + 300
    # kill it in the middle: once pip has started collecting packages
    while time.monotonic() < deadline:
        if log.exists() and "Collecting" in log.read_text(errors="replace"):
            break
        if proc.poll() is not None:
            pytest.fail("divebook env finished before it could be interrupted:\n" + proc.stdout.read())
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    config = load_config(book, Diagnostics())
    assert envs.env_status(config, "small") == "broken"
    with pytest.raises(envs.EnvError, match="half-made"):
        envs.tab_environment(config, "small")

    code, out = _run_env(book)
    assert code == 0, out
    assert "did not finish" in out
    assert envs.env_status(config, "small") == "ready"
