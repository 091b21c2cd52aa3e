"""Images that raw HTML shows are copied and checked as Markdown images are."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

from divebook.cli import main
from divebook.writers.html.raw_images import rewrite_image_sources

from tests.unit.writers.latex.test_images import make_png


def test_each_img_src_is_replaced_with_its_line() -> None:
    seen: list[tuple[str, int]] = []

    def replace(src: str, line: int) -> str:
        seen.append((src, line))
        return "new/" + src

    text = ('<div>\n  <IMG width="20" SRC="a.png">\n  <!-- <img src="old.png"> -->\n'
            "  <img alt='x' src='b&amp;c.png'/><img src=d.png>\n  <img alt=\"no source\">\n</div>")
    out = rewrite_image_sources(text, replace)
    assert seen == [("a.png", 1), ("b&c.png", 3), ("d.png", 3)]
    assert '<IMG width="20" SRC="new/a.png">' in out
    assert "<!-- <img src=\"old.png\"> -->" in out  # a comment is left as written
    assert "<img alt='x' src=\"new/b&amp;c.png\"/>" in out and '<img src="new/d.png">' in out
    assert '<img alt="no source">' in out
    assert rewrite_image_sources("<p>no image</p>", replace) == "<p>no image</p>"


BOOK = {
    "index.md": "# Raw\n\n```toc\nch/page\n```\n",
    "ch/page.md": """
        # Page

        <div align="center">
          <img width="200" src="../img/shown.png">
          <img src='../pics/그림.png' alt="k">
          <img src="https://example.org/far.png">
          <img src="../img/missing.png">
          <img src="../../outside.png">
          <img src="../img/link.png">
        </div>

        Inline <img src="../img/inline.png" alt="i"> too.
    """,
}


def test_a_raw_html_image_is_copied_into_the_site_and_the_epub(make_book, tmp_path: Path) -> None:
    root = make_book(BOOK)
    for name in ("img/shown.png", "pics/그림.png", "img/inline.png"):
        (root / name).parent.mkdir(exist_ok=True)
        (root / name).write_bytes(make_png(20, 10))
    (tmp_path / "outside.png").write_bytes(make_png(20, 10))
    (tmp_path / "book" / "img").mkdir(exist_ok=True)
    os.symlink(tmp_path / "outside.png", root / "img" / "link.png")
    out = tmp_path / "out"
    assert main(["build", "html", "epub", "--no-eval", "-C", str(root), "--out", str(out), "-q"]) == 0
    report = json.loads((out / "report.json").read_text())
    problems = {(w["line"], w["code"]) for w in report["warnings"]}
    assert problems == {(7, "missing-image"), (8, "image-outside"), (9, "image-outside")}
    site = out / "html"
    assert {p.relative_to(site).as_posix() for p in site.rglob("*.png")} == \
        {"img/shown.png", "pics/그림.png", "img/inline.png"}  # nothing from outside the book
    html = (site / "ch" / "page.html").read_text()
    assert '<img width="200" src="../img/shown.png">' in html
    assert 'src="../pics/%EA%B7%B8%EB%A6%BC.png" alt="k"' in html  # encoded as Markdown images are
    assert 'src="https://example.org/far.png"' in html
    with zipfile.ZipFile(out / "epub" / "book.epub") as zf:
        names = set(zf.namelist())
        page = zf.read("EPUB/ch/page.xhtml").decode()
    assert {"EPUB/img/shown.png", "EPUB/pics/그림.png", "EPUB/img/inline.png"} <= names
    assert "EPUB/img/link.png" not in names
    assert page.count("<img") == 4 and 'src="../img/inline.png" alt="i"' in page
