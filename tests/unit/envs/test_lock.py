"""divebook.lock, a book's library needs and pip's configuration for uv (no installs here)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from divebook import envs
from divebook.config import load_config
from divebook.diagnostics import Diagnostics
from divebook.envs.install import pip_settings, uv_source_args
from divebook.envs.lock import (
    LockSection, book_library_needs, read_lock, render_lock, tab_needs, write_section,
)

TOML = """
[project]
name = "t"

[build]
tabs = ["mxnet"]

[tabs.mxnet]
requirements = ["mxnet==1.9.1", "numpy<1.24"]
"""

SETUP = """\
from setuptools import setup, find_packages
import d2l

requirements = [
    'jupyter==1.0.0',
    'numpy==1.21.5',
    'pandas==1.2.4',
]

setup(name='d2l', version=d2l.__version__, install_requires=requirements)
"""

PACKAGES = """\
mxnet==1.9.1 \\
    --hash=sha256:aaaa
    # via -r requirements.in
numpy==1.23.5 \\
    --hash=sha256:bbbb \\
    --hash=sha256:cccc
"""


def test_lock_round_trip_keeps_every_section(tmp_path: Path):
    write_section(tmp_path, LockSection("mxnet", ("mxnet==1.9.1", "ipykernel"), "3.11", "uv 0.9", PACKAGES))
    write_section(tmp_path, LockSection("pytorch", ("torch",), "3.11", "pip 25", "torch==2.13.0\n"))
    sections, problem = read_lock(tmp_path)
    assert problem == ""
    assert set(sections) == {"mxnet", "pytorch"}
    assert sections["mxnet"].packages == PACKAGES
    assert sections["mxnet"].pins() == {"mxnet": "1.9.1", "numpy": "1.23.5"}
    assert sections["pytorch"].requirements == ("torch",)
    text = (tmp_path / "divebook.lock").read_text()
    assert text == render_lock(sections)  # stable: writing again changes nothing
    assert text.index("[tabs.mxnet]") < text.index("[tabs.pytorch]")


def test_a_damaged_lock_is_reported_not_raised(tmp_path: Path):
    (tmp_path / "divebook.lock").write_text("[tabs.x\npackages = 1\n")
    sections, problem = read_lock(tmp_path)
    assert sections == {} and "cannot be read" in problem and "--upgrade" in problem


def test_library_needs_come_from_setup_py_without_running_it(tmp_path: Path):
    (tmp_path / "setup.py").write_text(SETUP)  # `import d2l` would fail if it ran
    needs, origin = book_library_needs(tmp_path)
    assert origin == "setup.py"
    assert needs == ["jupyter==1.0.0", "numpy==1.21.5", "pandas==1.2.4"]


def test_library_needs_from_requirements_txt(tmp_path: Path):
    (tmp_path / "requirements.txt").write_text("# the library\npandas>=1.5  # frames\n-e .\n\nrequests\n")
    assert book_library_needs(tmp_path) == (["pandas>=1.5", "requests"], "requirements.txt")
    assert book_library_needs(tmp_path / "none") == ([], "")


def test_a_tab_requirement_wins_over_the_library_for_the_same_package():
    needs = tab_needs(["mxnet==1.9.1", "numpy<1.24"], ["numpy==1.21.5", "Pandas==1.2.4", "pandas"])
    assert needs == ["mxnet==1.9.1", "numpy<1.24", "Pandas==1.2.4", "ipykernel"]
    assert tab_needs(["ipykernel==6.29.5"], []) == ["ipykernel==6.29.5"]


def test_the_lock_and_the_library_decide_whether_an_environment_is_reused(make_book):
    root = make_book({"divebook.toml": TOML, "index.md": "# T\n"})
    spec = load_config(root, Diagnostics()).tab("mxnet")
    config = load_config(root, Diagnostics())
    plain = envs.environment_hash(config, spec)
    assert plain == envs.requirements_hash(spec)  # no lock, no library: as before
    (root / "setup.py").write_text(SETUP)
    with_library = envs.environment_hash(config, spec)
    assert with_library != plain
    write_section(root, LockSection("mxnet", (), "3.11", "uv", PACKAGES))
    locked = envs.environment_hash(config, spec)
    assert locked != with_library
    write_section(root, LockSection("mxnet", (), "3.11", "uv", PACKAGES.replace("1.23.5", "1.23.4")))
    assert envs.environment_hash(config, spec) != locked  # a pulled lock remakes the environment


def test_pip_configuration_becomes_uv_flags(tmp_path: Path):
    conf = tmp_path / "pip.conf"
    conf.write_text("[global]\nextra-index-url = file:///opt/a/simple file:///opt/b/simple\n"
                    f"constraint = {conf}\n[install]\nfind-links = /opt/wheels\n")
    settings = pip_settings(environ={"PIP_INDEX_URL": "https://mirror/simple"}, files=[conf])
    args = uv_source_args(settings)
    assert args[:2] == ["--index-url", "https://mirror/simple"]
    assert args.count("--extra-index-url") == 2 and "--find-links" in args
    assert ["--constraint", str(conf)] == args[args.index("--constraint"):args.index("--constraint") + 2]
    assert "unsafe-best-match" in args  # pip's answer: the best version of all indexes
    assert "--constraint" not in uv_source_args(settings, constraints=False)


@pytest.mark.parametrize(("output", "requirement"), [
    ("error: No solution found when resolving dependencies\n  cause: Because there is no version of "
     "mxnet==9.9 and you require mxnet==9.9, we can conclude that your requirements are unsatisfiable.",
     "mxnet==1.9.1"),
    ("  × No solution found when resolving dependencies:\n  ╰─▶ Because nosuch was not found in the "
     "package registry and you require nosuch, we can conclude that your requirements are unsatisfiable.",
     "nosuch"),
])
def test_uv_failures_name_the_requirement(make_book, output: str, requirement: str):
    root = make_book({"divebook.toml": TOML, "index.md": "# T\n"})
    spec = load_config(root, Diagnostics()).tab("mxnet")
    assert envs.failed_requirement(spec, output.splitlines()) == requirement
    message = envs._pip_failure(spec, output.splitlines(), Path("/x/t.log"))
    assert f"`{requirement}` could not be installed" in message and "unsatisfiable" in message


def test_upgrade_option_reaches_the_environments(make_book, monkeypatch):
    from divebook import cli

    root = make_book({"divebook.toml": TOML, "index.md": "# T\n"})
    seen = {}

    def fake(config, tab, console, upgrade=False):  # noqa: ARG001
        seen[tab] = upgrade
        return envs.TabEnv(tab, "divebook-" + tab, Path(sys.executable), "f" * 64, managed=True)

    monkeypatch.setattr(envs, "ensure_tab_env", fake)
    assert cli.main(["env", "-C", str(root), "--upgrade"]) == 0
    assert seen == {"mxnet": True}
    assert cli.main(["env", "-C", str(root)]) == 0
    assert seen == {"mxnet": False}
