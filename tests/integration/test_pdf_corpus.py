"""The whole d2l-en book as a PDF (no execution), checked against its website.

One build writes both; the PDF must have no LaTeX error, several hundred
pages, and the same chapter and section numbers, figure, table and
equation numbers, and bibliography as the website.  (The whole book takes
about a minute of xelatex on two cores, so CI builds all of it.)
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from divebook.cli import main
from tests.conftest import require_corpus, require_tool

pytestmark = [pytest.mark.tex, pytest.mark.corpus]

#: Warnings the corpus must give, and no others: files trimmed from the corpus,
#: images on the web, the fonts d2l-en names that Debian lacks.
EXPECTED_WARNINGS = {"missing-file", "missing-image", "remote-image", "font-missing", "pdf-image"}


@pytest.fixture(scope="module")
def d2l(tmp_path_factory):
    book = require_corpus("d2l-en") / "d2l-en"
    for tool in ("xelatex", "latexmk", "rsvg-convert"):
        require_tool(tool)
    out = tmp_path_factory.mktemp("d2l-pdf") / "out"
    status = main(["build", "html", "pdf", "--no-eval", "-C", str(book), "--out", str(out), "-q"])
    return status, out, json.loads((out / "report.json").read_text())


def _html_in_order(out: Path, report: dict) -> list[str]:
    return [(out / "html" / p["output"]).read_text() for p in report["pages"]
            if (out / "html" / p["output"]).is_file()]


def test_the_whole_book_typesets_without_latex_errors(d2l):
    status, out, report = d2l
    assert status == 0, report["errors"][:5]
    assert report["errors"] == []
    assert {w["code"] for w in report["warnings"]} <= EXPECTED_WARNINGS
    assert report["pdf"]["pytorch"]["pages"] > 500
    pdf = out / "pdf" / "d2l-en.pdf"
    assert pdf.stat().st_size > 1_000_000
    log = (out / "pdf" / "d2l-en.log").read_text()
    assert "undefined" not in re.sub(r"Font shape `[^']*' undefined", "", log)


def test_contents_agree_with_the_website(d2l):
    _, out, report = d2l
    toc = (out / "pdf" / ".aux" / "d2l-en" / "book.toc").read_text()
    entries = re.findall(r"\\contentsline \{(chapter|section)\}\{\\numberline \{([\d.]+)\}(.*?)\}"
                         r"\{[^}]*\}\{[^}]*\}%", toc)
    pdf_numbers = {number: title for _, number, title in entries}
    pages = [p for p in report["pages"] if p["part"] == "main" and p["number"]]
    assert len(pages) > 150
    for page in pages:
        assert page["number"] in pdf_numbers, page
        if not re.search(r"[$\\{}]", pdf_numbers[page["number"]]):
            assert " ".join(pdf_numbers[page["number"]].split()) == " ".join(page["title"].split())
    # the PDF lists them in the website's order
    order = [n for _, n, _ in entries if n in {p["number"] for p in pages}]
    assert order == [p["number"] for p in pages]
    chapters = [(n, t) for kind, n, t in entries if kind == "chapter"]
    assert chapters[0] == ("1", "Introduction") and len(chapters) == 23


def test_figure_table_and_equation_numbers_agree_with_the_website(d2l):
    _, out, report = d2l
    html = "".join(_html_in_order(out, report))
    tex = (out / "pdf" / "d2l-en.tex").read_text()
    html_figures = re.findall(r'<span class="caption-number">Fig\. ([\d.]+)</span>', html)
    pdf_figures = re.findall(r"\\renewcommand\{\\thefigure\}\{([\d.]+)\}", tex)
    assert len(pdf_figures) > 200 and pdf_figures == html_figures
    html_tables = re.findall(r'<span class="caption-number">Table ([\d.]+)</span>', html)
    assert re.findall(r"\\renewcommand\{\\thetable\}\{([\d.]+)\}", tex) == html_tables
    html_equations = re.findall(r'<span class="eqno">\(([\d.]+)\)</span>', html)
    assert len(html_equations) > 100
    assert re.findall(r"\\tag\{([\d.]+)\}", tex) == html_equations
    text_refs = re.findall(r"\\hyperref\[[^\]]*\]\{(Fig\. [\d.]+)\}", tex)
    assert len(text_refs) > 100 and set(text_refs) <= {f"Fig. {n}" for n in html_figures}


def test_bibliography_agrees_with_the_website(d2l):
    _, out, _ = d2l
    refs = (out / "html" / "chapter_references" / "zreferences.html").read_text()
    html_labels = re.findall(r'<dt id="[^"]*">([^<]*)</dt>', refs)
    tex = (out / "pdf" / "d2l-en.tex").read_text()
    pdf_labels = re.findall(r"\\dbbibitem\{[^}]*\}\{([^}]*)\}", tex)
    assert len(pdf_labels) > 300
    assert [label.replace("\\", "") for label in pdf_labels] == \
        [label.replace("&amp;", "&") for label in html_labels]
    # every citation in the text links to its entry
    targets = set(re.findall(r"\\dbbibitem\{([^}]*)\}", tex))
    assert set(re.findall(r"\\hyperlink\{([^}]*)\}", tex)) <= targets
