"""What `make demo` promises: the starter book built whole, every page run in both tabs.

Korean and English sites, the side-by-side view, a PDF per language, the
notebooks zips and the companion library that imports in each tab's
environment.
"""

from __future__ import annotations

import json
import subprocess
import zipfile

import pytest

from divebook.config import load_config
from divebook.diagnostics import Diagnostics
from divebook.envs import tab_environment
from tests.conftest import require_tool
from tests.integration.starter_build import STARTER, build_starter, read_starter, runs_in

pytestmark = [pytest.mark.kernel, pytest.mark.tex]
NAME = "divebook-starter"


@pytest.fixture(scope="module")
def built():
    require_tool("xelatex")
    status, out = build_starter()
    return status, out, json.loads((out / "report.json").read_text())


def test_every_page_of_both_tabs_ran_without_error(built):
    status, _, report = built
    assert status == 0 and report["errors"] == []
    _, book = read_starter()
    ran = 0
    by_source = {p["source"]: p for p in report["pages"]}
    for source in book.order:
        for tab in ("pytorch", "mxnet"):
            if runs_in(book, source, tab):
                assert by_source[source]["tabs"][tab]["status"] in ("executed", "cached"), (source, tab)
                ran += 1
    assert ran == 19  # ten sections with code in PyTorch; nine in MXNet (the preface's code is shared)


def test_korean_and_english_sites_and_the_side_by_side_view(built):
    _, out, report = built
    assert set(report["book"]["langs"]) >= {"ko", "en"}
    korean = (out / "html" / "chapter_linear" / "softmax-regression.html").read_text()
    english = (out / "html" / "en" / "chapter_linear" / "softmax-regression.html").read_text()
    assert '<html lang="ko"' in korean and "소프트맥스" in korean
    assert '<html lang="en"' in english and "Softmax" in english
    side = out / "html" / "bilingual" / "chapter_linear" / "softmax-regression.html"
    assert side.is_file() and "소프트맥스" in side.read_text() and "Softmax" in side.read_text()


def test_a_pdf_per_language(built):
    _, out, _ = built
    pdftotext = require_tool("pdftotext")
    korean = subprocess.run([pdftotext, str(out / "pdf" / f"{NAME}.pdf"), "-"], capture_output=True,
                            text=True, check=True).stdout
    english = subprocess.run([pdftotext, str(out / "pdf" / f"{NAME}-en.pdf"), "-"], capture_output=True,
                             text=True, check=True).stdout
    assert "소프트맥스" in korean and "Softmax" in english


def test_notebooks_zip_per_tab(built):
    _, out, _ = built
    for tab in ("pytorch", "mxnet"):
        with zipfile.ZipFile(out / "notebooks" / f"{NAME}-{tab}.zip") as archive:
            names = archive.namelist()
        assert any(n.endswith("softmax-regression.ipynb") for n in names)


@pytest.mark.parametrize("tab", ["pytorch", "mxnet"])
def test_the_library_imports_in_its_tab(built, tab):
    _, out, _ = built
    config = load_config(STARTER, Diagnostics())
    env = tab_environment(config, tab)
    module = {"pytorch": "torch", "mxnet": "mxnet"}[tab]
    code = f"from sprout import {module} as sprout; print(sorted(n for n in dir(sprout) if not n.startswith('_'))[:3])"
    result = subprocess.run([str(env.python), "-c", code], capture_output=True, text=True,
                            env={"PYTHONPATH": str(out / "lib"), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
