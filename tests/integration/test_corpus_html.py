"""The real d2l-en book, read unchanged, built as a website without execution."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from divebook.cli import main

#: Files the corpus leaves out on purpose (images over 1 MB, d2l-en's front page snippet):
#: the build must say they are missing, as warnings, and nothing else.
TRIMMED_FROM_CORPUS = {
    ("index.md", "missing-file"),
    ("chapter_attention-mechanisms-and-transformers/large-pretraining-transformers.md", "missing-image"),
    ("chapter_computational-performance/auto-parallelism.md", "missing-image"),
    ("chapter_convolutional-neural-networks/conv-layer.md", "missing-image"),
    ("chapter_linear-classification/environment-and-distribution-shift.md", "missing-image"),
}


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(root).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in root.rglob("*")}


@pytest.fixture(scope="module")
def d2l_build(tmp_path_factory):
    from tests.conftest import require_corpus

    book = require_corpus("d2l-en") / "d2l-en"
    before = _snapshot(book)
    out = tmp_path_factory.mktemp("d2l") / "out"
    status = main(["build", "html", "--no-eval", "-C", str(book), "--out", str(out), "-q"])
    after = _snapshot(book)
    return status, out, json.loads((out / "report.json").read_text()), before == after


def test_every_toc_page_is_built_without_errors(d2l_build):
    status, out, report, corpus_unchanged = d2l_build
    assert status == 0
    assert corpus_unchanged, "the build wrote into the corpus"
    pages = report["pages"]
    assert len(pages) == 192  # index + 191 sections
    assert sum(1 for p in pages if p["part"] == "main" and p["number"] and "." not in p["number"]) == 23
    assert len({p["source"].split("/")[0] for p in pages if "/" in p["source"]}) == 27
    for page in pages:
        assert (out / "html" / page["output"]).is_file(), page["output"]
    assert report["errors"] == []
    assert {(w["file"], w["code"]) for w in report["warnings"]} <= TRIMMED_FROM_CORPUS
    assert report["book"]["tabs"] == ["pytorch", "mxnet", "jax", "tensorflow"]


def test_numbers_match_the_published_book(d2l_build):
    _, out, report, _ = d2l_build
    numbers = {p["title"]: p["number"] for p in report["pages"]}
    assert numbers["Linear Regression"] == "3.1"
    assert numbers["Data Manipulation"] == "2.1"
    assert numbers["Softmax Regression"] == "4.1"
    assert numbers["The Transformer Architecture"] == "11.7"
    assert numbers["Preface"] is None and numbers["References"] is None
    html = (out / "html" / "chapter_linear-regression" / "linear-regression.html").read_text()
    figures = re.findall(r'<span class="caption-number">Fig\. ([\d.]+)</span>', html)
    assert figures and all(f.startswith("3.1.") for f in figures)
    assert figures == [f"3.1.{i}" for i in range(1, len(figures) + 1)]
    assert re.search(r'<span class="eqno">\(3\.1\.1\)</span>', html)


def test_no_unresolved_references_or_missing_citations(d2l_build):
    _, out, _, _ = d2l_build
    unresolved = 0
    for page in (out / "html").rglob("*.html"):
        unresolved += page.read_text().count('class="ref unresolved"')
        unresolved += page.read_text().count('class="cite unresolved"')
    assert unresolved == 0
    # the two table labels d2lbook leaves unresolved are resolved here
    use_gpu = (out / "html" / "chapter_builders-guide" / "use-gpu.html").read_text()
    assert "Table 1.5.1</a>" in use_gpu
    refs = (out / "html" / "chapter_references" / "zreferences.html").read_text()
    assert refs.count("<dt id=") > 300


def test_check_reports_no_errors_on_the_corpus(tmp_path, corpus):
    status = main(["check", "-C", str(corpus / "d2l-en"), "--out", str(tmp_path / "c")])
    data = json.loads((tmp_path / "c" / "check.json").read_text())
    assert status == 0 and data["errors"] == []
    # The companion library's check also warns, rightly, about d2l-en's own config
    # (`exp(` in simple_alias) and names some tabs save without a twin in others.
    library = {"library-twin", "library-alias"}
    assert {(w["file"], w["code"]) for w in data["warnings"] if w["code"] not in library} \
        <= TRIMMED_FROM_CORPUS
    assert [w["file"] for w in data["warnings"] if w["code"] == "library-alias"] == ["config.ini"]
