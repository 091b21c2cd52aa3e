"""Environments made with uv, and divebook.lock bringing the same versions back elsewhere.

Real installs from the package index (six and ipykernel): a few seconds each
with uv's cache warm; the pip check from the same lock takes tens of seconds.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from divebook.envs.install import find_installer
from divebook.envs.lock import read_lock
from tests.conftest import require

REPO = Path(__file__).resolve().parents[2]

TOML = """\
[project]
name = "lock-test"

[build]
tabs = ["small"]

[tabs.small]
requirements = {requirements}
"""

pytestmark = pytest.mark.kernel


def _book(root: Path, requirements: str = '["six"]') -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "index.md").write_text("# Lock\n")
    (root / "divebook.toml").write_text(TOML.format(requirements=requirements))
    return root


def _env(book: Path, *args: str, installer: str = "") -> tuple[int, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "DIVEBOOK_INSTALLER": installer}
    done = subprocess.run([sys.executable, "-m", "divebook", "env", "-C", str(book), *args],
                          capture_output=True, text=True, env=env, timeout=600)
    return done.returncode, done.stdout + done.stderr


def _freeze(book: Path) -> str:
    python = book / ".divebook/envs/small/bin/python"
    return subprocess.run([str(python), "-m", "pip", "freeze"], capture_output=True, text=True,
                          check=True).stdout


def _clone(book: Path, target: Path) -> Path:
    """The book as another machine would get it from git: sources and lock, no environments."""
    target.mkdir(parents=True)
    for name in ("index.md", "divebook.toml", "divebook.lock"):
        shutil.copy2(book / name, target / name)
    return target


@pytest.fixture
def uv_installer():
    require(find_installer().name == "uv", "uv (a dependency of divebook)")


def test_same_lock_same_packages_with_uv_and_with_pip(tmp_path: Path, uv_installer):
    first = _book(tmp_path / "first")
    code, out = _env(first)
    assert code == 0, out
    assert "with uv" in out
    section = read_lock(first)[0]["small"]
    assert section.requirements == ("six", "ipykernel")
    assert "six" in section.pins() and "ipykernel" in section.pins()
    assert "--hash=sha256:" in section.packages  # uv records what each file must hash to

    second = _clone(first, tmp_path / "second")
    code, out = _env(second)
    assert code == 0, out
    assert "from divebook.lock" in out
    assert _freeze(second) == _freeze(first)
    assert (second / "divebook.lock").read_text() == (first / "divebook.lock").read_text()

    third = _clone(first, tmp_path / "third")  # a machine without uv: pip, same lock
    code, out = _env(third, installer="pip")
    assert code == 0, out
    assert _freeze(third) == _freeze(first)


def test_the_lock_holds_versions_back_until_upgrade(tmp_path: Path, uv_installer):
    book = _book(tmp_path / "book")
    code, out = _env(book)
    assert code == 0, out
    newest = read_lock(book)[0]["small"].pins()["six"]
    # An older lock (as committed with the book years ago): no hashes, six 1.16.0.
    lock = (book / "divebook.lock").read_text()
    lock = re.sub(r" \\\n\s+--hash=sha256:\w+", "", lock)
    lock = re.sub(r"^six==\S+", "six==1.16.0", lock, flags=re.M)
    assert "six==1.16.0" in lock and "--hash" not in lock
    (book / "divebook.lock").write_text(lock)

    code, out = _env(book)
    assert code == 0, out
    assert "from divebook.lock" in out  # the lock changed: the environment follows it
    assert "six==1.16.0" in _freeze(book)

    code, out = _env(book, "--upgrade")
    assert code == 0, out
    assert "upgrading" in out
    assert f"six=={newest}" in _freeze(book)
    assert read_lock(book)[0]["small"].pins()["six"] == newest


def test_a_framework_that_cannot_be_installed_is_named_once(tmp_path: Path, uv_installer):
    book = _book(tmp_path / "book", '["six", "divebook-no-such-framework-4711==1.0"]')
    code, out = _env(book)
    assert code == 1
    assert out.count("could not be installed") == 1
    assert "requirement `divebook-no-such-framework-4711==1.0` could not be installed" in out
    assert "divebook.toml:8" in out and "Traceback" not in out
    assert not (book / ".divebook/envs/small").exists()
    assert not (book / "divebook.lock").exists()  # nothing locked from a failed resolve


def test_the_library_needs_of_setup_py_join_every_tab(tmp_path: Path, uv_installer):
    book = _book(tmp_path / "book", '["packaging"]')
    (book / "setup.py").write_text("from setuptools import setup\nimport mylib\n\n"
                                   "requirements = ['six', 'packaging==0.0.1']\n\n"
                                   "setup(name='mylib', install_requires=requirements)\n")
    code, out = _env(book)
    assert code == 0, out
    assert "the library's needs from setup.py" in out
    frozen = _freeze(book)
    assert "six==" in frozen  # the library's need
    assert "packaging==0.0.1" not in frozen  # the tab's own `packaging` wins over the library's pin
    assert read_lock(book)[0]["small"].requirements == ("packaging", "six", "ipykernel")


def test_a_build_reports_an_uninstallable_tab_once_and_runs_the_others(tmp_path: Path, uv_installer):
    book = tmp_path / "book"
    book.mkdir()
    (book / "divebook.toml").write_text(
        '[project]\nname = "t"\n\n[build]\ntabs = ["plain", "jaxish"]\n\n[tabs.plain]\nkernel = "python3"\n\n'
        '[tabs.jaxish]\nrequirements = ["divebook-no-such-framework-4711==1.0"]\n')
    (book / "index.md").write_text("# T\n\n```toc\na\nb\n```\n")
    for name in ("a", "b"):
        (book / f"{name}.md").write_text(f"# {name}\n\n" + "".join(
            f"```{{.python .input}}\n#@tab {tab}\nprint('{name} ran')\n```\n\n" for tab in ("plain", "jaxish")))
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    done = subprocess.run([sys.executable, "-m", "divebook", "build", "-C", str(book)], capture_output=True,
                          text=True, env=env, timeout=600)
    assert done.returncode == 1
    report = json.loads((book / "_build/report.json").read_text())
    [error] = report["errors"]
    assert error["file"] == "divebook.toml" and error["line"] == 11
    assert "divebook-no-such-framework-4711==1.0" in error["message"]
    assert "not found in the package registry" in error["message"]  # the installer's own words
    tabs = {p["source"]: p["tabs"] for p in report["pages"]}
    assert tabs["a.md"]["plain"]["status"] == "executed" and tabs["b.md"]["plain"]["status"] == "executed"
    assert tabs["a.md"]["jaxish"]["status"] == "failed" and tabs["b.md"]["jaxish"]["status"] == "failed"
    assert done.stderr.count("could not be installed") == 1
