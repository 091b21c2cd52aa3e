"""Per-tab environments without pip: status, reuse hash, kernels, fingerprints, messages."""

from __future__ import annotations

import io
import json
import sys
import venv
from pathlib import Path

import pytest
from rich.console import Console

from divebook import envs
from divebook.config import load_config
from divebook.diagnostics import Diagnostics
from divebook.envs import EnvError, TabEnv

TOML = """
[project]
name = "t"

[build]
tabs = ["torchy", "plain"]

[tabs.torchy]
requirements = ["torch==2.13.0", "numpy"]
env = {OMP_NUM_THREADS = "1"}

[tabs.plain]
kernel = "python3"
"""


def _book(make_book, toml: str = TOML) -> Path:
    return make_book({"divebook.toml": toml, "index.md": "# T\n"})


def _config(root: Path):
    return load_config(root, Diagnostics())


def _console() -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, width=200, force_terminal=False), buffer


def _fake_env(root: Path, tab: str, requirements_hash: str) -> Path:
    """A made-by-hand environment folder whose python is the test's own interpreter."""
    path = envs.env_dir(root, tab)
    (path / "bin").mkdir(parents=True)
    (path / "bin" / "python").symlink_to(sys.executable)
    state = {"complete": True, "requirements_hash": requirements_hash}
    (path / envs.STATE_FILE).write_text(json.dumps(state))
    return path


def test_requirements_hash_follows_the_requirements(make_book):
    config = _config(_book(make_book))
    tab = config.tab("torchy")
    first = envs.requirements_hash(tab)
    assert envs.requirements_hash(tab) == first
    tab.requirements.append("scipy")
    assert envs.requirements_hash(tab) != first


def test_status_missing_broken_stale_ready(make_book):
    root = _book(make_book)
    config = _config(root)
    assert envs.env_status(config, "torchy") == "missing"
    path = _fake_env(root, "torchy", envs.requirements_hash(config.tab("torchy")))
    assert envs.env_status(config, "torchy") == "ready"
    # requirements edited in divebook.toml: the environment is stale
    (root / "divebook.toml").write_text(TOML.replace('"numpy"', '"numpy<2"'))
    assert envs.env_status(_config(root), "torchy") == "stale"
    # a killed install leaves no complete state: half-made
    (path / envs.STATE_FILE).unlink()
    assert envs.env_status(config, "torchy") == "broken"


def test_tab_environment_refuses_a_missing_environment_with_a_hint(make_book):
    root = _book(make_book)
    config = _config(root)
    with pytest.raises(EnvError) as info:
        envs.tab_environment(config, "torchy")
    assert "has not been created" in info.value.message
    assert "divebook env" in info.value.message
    assert info.value.pos is not None and info.value.pos.file == "divebook.toml"
    written = (root / "divebook.toml").read_text().splitlines()
    assert info.value.pos.line == written.index('requirements = ["torch==2.13.0", "numpy"]') + 1


def test_ready_environment_gives_a_build_local_kernel(make_book, tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "user-jupyter"))
    root = _book(make_book)
    config = _config(root)
    _fake_env(root, "torchy", envs.requirements_hash(config.tab("torchy")))
    env = envs.tab_environment(config, "torchy")
    assert isinstance(env, TabEnv) and env.managed
    assert env.kernel_name == "divebook-torchy"
    assert env.jupyter_path == root.resolve() / ".divebook" / "jupyter"
    assert env.env == {"OMP_NUM_THREADS": "1"}
    spec = env.kernel_spec_manager().get_kernel_spec("divebook-torchy")
    assert spec.argv[0] == str(envs.env_python(envs.env_dir(root.resolve(), "torchy")))
    assert spec.env == {"OMP_NUM_THREADS": "1"}
    # nothing in the user's Jupyter folders
    assert not (tmp_path / "user-jupyter").exists()
    # the fingerprint is stable and remembered in the state file
    assert envs.tab_environment(config, "torchy").fingerprint == env.fingerprint
    state = json.loads((envs.env_dir(root, "torchy") / envs.STATE_FILE).read_text())
    assert state["complete"] is True and state["fingerprints"]


def test_unmanaged_tab_uses_the_named_kernel(make_book):
    config = _config(_book(make_book))
    env = envs.tab_environment(config, "plain")
    assert not env.managed and env.kernel_name == "python3" and env.jupyter_path is None
    assert env.python == Path(sys.executable)
    assert len(env.fingerprint) == 64


def test_unknown_kernel_says_how_to_mend_it(make_book):
    toml = TOML.replace('kernel = "python3"', 'kernel = "no-such-kernel-here"')
    config = _config(_book(make_book, toml))
    with pytest.raises(EnvError) as info:
        envs.tab_environment(config, "plain")
    message = info.value.message
    assert "no-such-kernel-here" in message and "not installed" in message
    assert "[tabs.plain] requirements" in message


def test_unknown_tab(make_book):
    root = _book(make_book)
    console, out = _console()
    assert envs.ensure_envs(root, "nope", console) == 2
    assert "no tab `nope`" in out.getvalue() and "torchy, plain" in out.getvalue()


def test_env_command_for_a_book_without_requirements(make_book):
    root = _book(make_book, TOML.replace('[tabs.torchy]\nrequirements = ["torch==2.13.0", "numpy"]', "[tabs.torchy]"))
    console, out = _console()
    assert envs.ensure_envs(root, None, console) == 0
    assert "kernel python3" in out.getvalue()


def test_build_errors_name_the_config_line(make_book):
    toml = TOML.replace('kernel = "python3"', 'kernel = "missing-kernel"')
    root = _book(make_book, toml)
    config = _config(root)
    diags = Diagnostics()
    console, _ = _console()
    got = envs.environments_for_build(config, ["plain"], console, diags)
    assert got == {}
    [error] = diags.errors
    assert error.file == "divebook.toml" and error.line > 0 and error.code == "tab-env"


def test_fingerprint_changes_when_a_package_is_installed(tmp_path):
    target = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False, symlinks=True).create(target)
    python = envs.env_python(target)
    state = tmp_path / "state.json"
    before = envs._cached_fingerprint(state, python, {})
    assert envs._cached_fingerprint(state, python, {}) == before
    site = next(target.glob("lib/python3*/site-packages"))
    dist = site / "tiny_pkg-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: tiny-pkg\nVersion: 1.0\n")
    after = envs._cached_fingerprint(state, python, {})
    assert after != before
    assert envs._cached_fingerprint(state, python, {"X": "1"}) != after


PIP_NOT_FOUND = """\
Collecting numpy
  Using cached numpy-2.4.6-cp311-cp311-manylinux_2_27_x86_64.whl.metadata (62 kB)
ERROR: Could not find a version that satisfies the requirement divebook-no-such-pkg==1.0 (from versions: none)
ERROR: No matching distribution found for divebook-no-such-pkg==1.0
"""

PIP_CONFLICT = """\
ERROR: Cannot install numpy<1.20 and mxnet==1.9.1 because these package versions have conflicting dependencies.
"""


@pytest.mark.parametrize("output, requirement", [
    (PIP_NOT_FOUND, "divebook_no.such-pkg==1.0"),
    (PIP_CONFLICT, "numpy<1.20"),
])
def test_failed_requirement_is_named(output, requirement):
    from divebook.config import TabConfig

    tab = TabConfig(name="t", requirements=["scipy", requirement, "mxnet==1.9.1"])
    assert envs.failed_requirement(tab, output.splitlines()) == requirement
    message = envs._pip_failure(tab, output.splitlines(), Path("/x/t.log"))
    assert f"requirement `{requirement}`" in message and "/x/t.log" in message
