"""Heading levels as Sphinx reads them: the first heading is the title, whatever its `#`s.

The website's tags and numbers, the sidebar, the PDF's sectioning and the
notebooks must all see the same outline.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from divebook.context import BuildOptions
from divebook.build import prepare, read_stage, transform_stage
from divebook.cli import main
from divebook.diagnostics import Diagnostics
from divebook.reader.page import read_page
from divebook.transforms.numbering import number_page, rank_headings
from divebook.tree import Heading, plain_text, walk_blocks
from divebook.writers.latex.book import render_book
from divebook.writers.latex.images import ImageMaker

BOOK = {
    "index.md": """
        # Book

        ```toc
        :numbered:

        ch/index
        next/index
        ```
    """,
    # a chapter page titled with `##`: its toc entries are 1.1, 1.2... not 1.2, 1.3...
    "ch/index.md": """
        ## Chapter

        ```toc
        a
        b
        c
        ```
    """,
    "ch/a.md": """
        ## A title
        :label:`sec_a`

        ### A one

        ![A figure.](../img/x.svg)
        :label:`fig_a`

        #### A one sub

        ```{.python .input}
        x = 1
        ```

        ### A two
    """,
    # two `#` sections: the second is a section of this page, not a page of its own
    "ch/b.md": """
        # B title

        ## B1

        # B second top

        ## B2
    """,
    # Sphinx's own example of levels by first appearance
    "ch/c.md": """
        ## C

        # C top

        ### C deep
    """,
    "next/index.md": "# Next\n",
    "img/x.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="3"/>',
}


def headings(page) -> list[tuple[int, str | None, str]]:
    return [(b.level, b.number, plain_text(b.children)) for b in walk_blocks(page.blocks)
            if isinstance(b, Heading)]


@pytest.fixture
def resolved(make_book):
    root = make_book(BOOK)
    ctx = prepare(BuildOptions(book=root, out=root / "_build"))
    read_stage(ctx)
    transform_stage(ctx)
    assert ctx.diags.items == []
    return ctx


def test_the_first_heading_is_the_title_and_deeper_ones_follow_it(resolved) -> None:
    pages = resolved.book.pages
    assert [(s, pages[s].number) for s in resolved.book.order] == [
        ("index.md", None), ("ch/index.md", "1"), ("ch/a.md", "1.1"), ("ch/b.md", "1.2"),
        ("ch/c.md", "1.3"), ("next/index.md", "2"),
    ]
    assert headings(pages["ch/index.md"]) == [(1, "1", "Chapter")]
    assert headings(pages["ch/a.md"]) == [
        (1, "1.1", "A title"), (2, "1.1.1", "A one"), (3, "1.1.1.1", "A one sub"), (2, "1.1.2", "A two"),
    ]
    assert headings(pages["ch/b.md"]) == [
        (1, "1.2", "B title"), (2, "1.2.1", "B1"), (2, "1.2.2", "B second top"), (3, "1.2.2.1", "B2"),
    ]
    assert headings(pages["ch/c.md"]) == [(1, "1.3", "C"), (2, "1.3.1", "C top"), (3, "1.3.1.1", "C deep")]
    figure = resolved.book.targets["fig_a"]
    assert figure.number == "1.1.1"
    assert resolved.book.targets["sec_a"].kind == "section" and resolved.book.targets["sec_a"].anchor == ""


def test_ranking_again_changes_nothing(make_book) -> None:
    root = make_book({"a.md": "### T\n\n# U\n\n## V\n\n#### W\n\n## X\n\n### Y\n\n# Z\n"})
    page = read_page(root, "a.md", (root / "a.md").read_bytes(), ["python"], Diagnostics())
    rank_headings(page.blocks)
    once = headings(page)
    assert [level for level, _, _ in once] == [1, 2, 3, 4, 3, 4, 2]
    page.number = "4.2"
    number_page(page)
    assert headings(page) == [(1, "4.2", "T"), (2, "4.2.1", "U"), (3, "4.2.1.1", "V"),
                              (4, "4.2.1.1.1", "W"), (3, "4.2.1.2", "X"), (4, "4.2.1.2.1", "Y"),
                              (2, "4.2.2", "Z")]


def test_website_tags_sidebar_and_notebooks_agree(make_book, tmp_path: Path) -> None:
    root = make_book(BOOK)
    out = tmp_path / "out"
    assert main(["build", "html", "notebooks", "--no-eval", "-C", str(root), "--out", str(out), "-q"]) == 0
    html = (out / "html" / "ch" / "a.html").read_text()
    tags = re.findall(r'<h(\d) id="[^"]*"><span class="section-number">([\d.]+)</span> ([^<]+)', html)
    assert tags == [("1", "1.1", "A title"), ("2", "1.1.1", "A one"), ("3", "1.1.1.1", "A one sub"),
                    ("2", "1.1.2", "A two")]
    assert 'Fig. 1.1.1' in html
    # the sidebar lists the chapter's sections with the toc's numbers
    sidebar = (out / "html" / "ch" / "index.html").read_text()
    for number, title in [("1.1", "A title"), ("1.2", "B title"), ("1.3", "C")]:
        assert re.search(rf"{re.escape(number)}</span> ?{title}<", sidebar), title
    nb = json.loads((out / "notebooks" / "python" / "ch" / "a.ipynb").read_text())
    prose = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert re.findall(r"^#+ .*$", prose, re.M) == ["# A title", "## A one", "### A one sub", "## A two"]


def test_pdf_sections_follow_the_same_outline(resolved) -> None:
    doc = render_book(resolved.book, resolved.config, "python",
                      ImageMaker(resolved.config.root, resolved.config.root / "_work", None), Diagnostics())
    sections = re.findall(r"\\(chapter|section|subsection|subsubsection)\*\{\\dbsecnum\{([\d.]+)\}", doc.tex)
    assert sections == [
        ("chapter", "1"), ("section", "1.1"), ("subsection", "1.1.1"), ("subsubsection", "1.1.1.1"),
        ("subsection", "1.1.2"), ("section", "1.2"), ("subsection", "1.2.1"), ("subsection", "1.2.2"),
        ("subsubsection", "1.2.2.1"), ("section", "1.3"), ("subsection", "1.3.1"),
        ("subsubsection", "1.3.1.1"), ("chapter", "2"),
    ]
