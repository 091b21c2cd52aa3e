"""The site's table of contents: one shared script, a bounded list in each page."""

from __future__ import annotations

import json
import re
from pathlib import Path

from divebook.cli import main
from divebook.writers.html.toc import MAX_CHAPTERS


def _book(chapters: int) -> dict[str, str]:
    files = {"config.ini": "[project]\nname = t\ntitle = T\n",
             "index.md": "# T\n\n```toc\n:maxdepth: 2\n\n"
                         + "".join(f"ch{c}/index\n" for c in range(chapters)) + "```\n"}
    for c in range(chapters):
        files[f"ch{c}/index.md"] = f"# Chapter {c}\n\n```toc\n:maxdepth: 1\n\na\nb\n```\n"
        files[f"ch{c}/a.md"] = f"# Section {c}a\n\nText.\n"
        files[f"ch{c}/b.md"] = f"# Section {c}b\n\nText.\n"
    return files


def _site(make_book, chapters: int, name: str) -> Path:  # type: ignore[no-untyped-def]
    book = make_book(_book(chapters), name)
    assert main(["build", "html", "--no-eval", "-C", str(book), "-q"]) == 0
    return book / "_build" / "html"


def test_pages_hold_a_bounded_list_and_the_site_one_shared_toc(make_book) -> None:  # type: ignore[no-untyped-def]
    small = _site(make_book, MAX_CHAPTERS // 2, "small")
    big = _site(make_book, MAX_CHAPTERS * 3, "big")
    page = (big / "ch60" / "a.html").read_text(encoding="utf-8")
    sidebar = page[page.index('<nav class="sidebar"'):page.index("</nav>", page.index('<nav class="sidebar"'))]
    chapters = re.findall(r'>Chapter (\d+)</a>', sidebar)
    assert len(chapters) == MAX_CHAPTERS  # a window of chapters around its own...
    assert chapters == [str(c) for c in range(60 - MAX_CHAPTERS // 2, 60 + MAX_CHAPTERS // 2)]
    assert 'aria-current="page"' in sidebar and "Section 60a" in sidebar and "Section 60b" in sidebar
    assert 'class="toc-more"' in sidebar  # ...and the way to every other one
    assert '<script src="../_toc.js"></script>' in page
    toc = json.loads((big / "_toc.js").read_text().split("=", 1)[1].strip().rstrip(";"))
    assert len(toc) == MAX_CHAPTERS * 3 and toc[60][0] == "ch60/index.html"
    assert [c[2] for c in toc[60][4]] == ["Section 60a", "Section 60b"]
    # a small book's pages list every chapter, and no "more" link
    small_page = (small / "ch3" / "a.html").read_text(encoding="utf-8")
    assert small_page.count('class="collapsed"') + small_page.count('class="open"') == MAX_CHAPTERS // 2
    assert "toc-more" not in small_page
    # the size of a page does not grow with the book (six times the chapters)
    sizes = [len((site / "ch3" / "a.html").read_bytes()) for site in (small, big)]
    assert sizes[1] < sizes[0] * 1.6
