"""The live preview shows an edited page before the full rebuild (preview.quick_pages).

The quick page must be right: references to other pages resolved, its own
numbers, and the outputs of code that did not change; then the full build
renders it again (so nothing the quick render could not know stays).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from divebook.context import BuildOptions
from divebook.build import build
from divebook.preview import quick_pages
from tests.conftest import write_book

pytestmark = pytest.mark.kernel

BOOK = {
    "config.ini": "[project]\nname = quick\ntitle = Quick\n",
    "index.md": "# Quick\n\n```toc\n:numbered:\n\none\ntwo\n```\n",
    "one.md": """
        # One
        :label:`sec_one`

        ![A figure.](img/a.svg)
        :label:`fig_a`
    """,
    "two.md": """
        # Two

        First version of the prose, see :numref:`fig_a`.

        ```{.python .input}
        print("kept", 6 * 7)
        ```

        ```{.python .input}
        print("changed", 1)
        ```
    """,
    "img/a.svg": "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>",
}


def test_an_edited_page_is_rendered_against_the_last_build(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book", BOOK)
    options = BuildOptions(book=book, targets=["html"], index_search=False)
    last = build(options)
    assert last.book is not None and not last.diags.errors
    two = book / "two.md"
    two.write_text(textwrap.dedent(BOOK["two.md"]).replace("First version", "Second version")
                   .replace('"changed", 1', '"changed", 2') + "\n## More\n\nSee :numref:`sec_one`.\n")
    written, seconds = quick_pages(last, ["two.md"])
    assert written == ["two.html"]
    html = (book / "_build" / "html" / "two.html").read_text()
    assert "Second version" in html
    assert 'href="one.html#fig_a">Fig. 1.1</a>' in html  # a label on another page
    assert "Section 1" in html and "2.1</span> More" in html  # its own new section is numbered
    assert "kept 42" in html  # unchanged code keeps its output
    assert "changed 2" not in html and "changed 1" not in html  # changed code waits for the build
    full = build(options)
    html = (book / "_build" / "html" / "two.html").read_text()
    assert "changed 2" in html and "kept 42" in html
    assert full.execution["two.md"]["python"]["status"] == "executed"


def test_only_edited_pages_of_a_built_book(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book", BOOK)
    last = build(BuildOptions(book=book, targets=["html"], evaluate=False, index_search=False))
    assert quick_pages(last, ["three.md"]) is None  # a new page: only a full build knows where it goes
    assert quick_pages(last, []) is None
