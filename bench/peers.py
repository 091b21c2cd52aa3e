"""The peer tools the benchmarks compare against, each in its own venv under bench/.peers.

Installed on first use from PyPI (the only network the machines have):
d2lbook 1.0.3 (with pybtex 0.24.0, which its pinned sphinxcontrib-bibtex
needs), Jupyter Book 1.0.x (the Sphinx-based line) and mystmd (a Node.js
program shipped through PyPI).  d2lbook also needs Debian's ``pandoc`` and
``rsvg-convert``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

PEERS = Path(__file__).resolve().parent / ".peers"

SPECS = {
    "d2lbook": (["d2lbook==1.0.3"], ["pybtex==0.24.0"]),
    "jupyterbook": (["jupyter-book>=1.0,<2"],),
    "mystmd": (["mystmd"],),
}
EXECUTABLE = {"d2lbook": "d2lbook", "jupyterbook": "jupyter-book", "mystmd": "myst"}


def ensure(name: str) -> Path:
    """The peer's executable, installing it the first time."""
    venv = PEERS / name
    exe = venv / "bin" / EXECUTABLE[name]
    stamp = venv / ".installed"
    if stamp.exists() and exe.exists():
        return exe
    print(f"installing {name} into {venv} (once)...", file=sys.stderr)
    if venv.exists():
        shutil.rmtree(venv)  # a half-made venv from an interrupted install
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    for packages in SPECS[name]:
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", *packages], check=True)
    stamp.write_text("ok\n")
    return exe


def missing_system_tools() -> list[str]:
    """Debian tools d2lbook's HTML build calls."""
    return [tool for tool in ("pandoc", "rsvg-convert") if shutil.which(tool) is None]
