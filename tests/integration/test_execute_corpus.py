"""d2l-en's preliminaries chapter, evaluated for the pytorch tab in a torch 2.13.0 (CPU) venv.

torch 2.13.0 has no torchvision that loads beside it, so the pages that need
the companion library (generated from the book by ``build lib``; it imports
torchvision) fail with a message that names the cell and the import; the
other pages of the chapter build.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tests.integration.execute_envs import divebook_env, kernel_venv, register_kernel, report, run_divebook

pytestmark = [pytest.mark.kernel, pytest.mark.corpus]

CHAPTER = "chapter_preliminaries"
RUNS = ["ndarray", "pandas", "linear-algebra", "autograd", "lookup-api"]
NEED_LIBRARY = ["calculus", "probability"]


@pytest.fixture(scope="module")
def torch_venv() -> Path:
    return kernel_venv("torch213", ["torch==2.13.0", "numpy", "pandas", "matplotlib", "requests"])


def test_preliminaries_run_for_pytorch(corpus: Path, tmp_path: Path, torch_venv: Path):
    book = tmp_path / "d2l-en"
    shutil.copytree(corpus / "d2l-en", book)
    config = book / "config.ini"
    text = config.read_text()
    # Run only this chapter, in the torch venv's kernel; the library is still made from the
    # whole book and the rest of the book is still built.
    text, n = re.subn(r"(?m)^notebooks = .*$", r"\g<0>\n"
                      f"eval_pages = {CHAPTER}/*.md\nkernels = pytorch: divebook-test-torch", text, count=1)
    assert n == 1
    config.write_text(text)
    jupyter = tmp_path / "jupyter"
    register_kernel(jupyter, "divebook-test-torch", torch_venv / "bin" / "python")
    out = tmp_path / "out"
    done = run_divebook(["build", "lib", "notebooks", "-C", str(book), "--out", str(out), "--tab", "pytorch", "-q"],
                        divebook_env(jupyter), timeout=900)
    assert done.returncode == 1, done.stderr  # the two pages below fail; nothing else does

    pages = {p["source"]: p["tabs"] for p in report(out)["pages"] if p["source"].startswith(CHAPTER)}
    assert len(pages) == 8
    assert pages[f"{CHAPTER}/index.md"] == {}  # no code: builds, nothing to run
    for name in RUNS:
        entry = pages[f"{CHAPTER}/{name}.md"]["pytorch"]
        assert (entry["status"], entry["outcome"]) == ("executed", "ok"), (name, entry)
    for name in NEED_LIBRARY:
        entry = pages[f"{CHAPTER}/{name}.md"]["pytorch"]
        assert (entry["status"], entry["outcome"]) == ("failed", "error"), (name, entry)
        source_lines = (book / CHAPTER / f"{name}.md").read_text().split("\n")
        assert source_lines[entry["line"] - 1].strip() == "from d2l import torch as d2l"
        assert "ModuleNotFoundError" in entry["error"] and entry["cell"] == 1
        assert "No module named 'torchvision'" in entry["error"]  # raised inside the library
        # the hint names the kernel's own environment (not divebook's) and the tab's requirements
        assert f"{torch_venv}/bin/python -m pip install torchvision" in entry["error"]
        assert '[tabs.pytorch] requirements = ["torchvision"]' in entry["error"]
    errors = [e for e in report(out)["errors"]]
    assert {e["file"] for e in errors} == {f"{CHAPTER}/{n}.md" for n in NEED_LIBRARY}
    # Nothing outside the chapter ran: pages with pytorch code there are reported as skipped.
    others = [p["tabs"] for p in report(out)["pages"] if not p["source"].startswith(CHAPTER)]
    assert {e["status"] for tabs in others for e in tabs.values()} == {"skipped"}

    nb = json.loads((out / "notebooks/pytorch" / CHAPTER / "ndarray.ipynb").read_text())
    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
    assert any("tensor(" in "".join(o.get("data", {}).get("text/plain", "")) for o in outputs)
