"""The corpus books' pages and numbers, checked against their own tocs and config.ini.

d2l-tvm writes its wildcards as ``*.md **/*.md``; d2l-en as ``*.md */*.md``.
Both must give every page their tocs name, numbered as the tocs say, and no
other page.  The expected numbers are worked out here from the toc blocks of
the Markdown files, independently of divebook's reader.
"""

from __future__ import annotations

import configparser
import json
import re
from pathlib import Path

import pytest

from divebook.cli import main
from tests.conftest import require_corpus

pytestmark = pytest.mark.corpus

_TOC = re.compile(r"^```toc\n(.*?)^```", re.M | re.S)


def toc_numbers(book: Path) -> dict[str, str | None]:
    """page -> number, from the ``toc`` blocks: the root's ``:numbered:`` toc gives
    chapters 1, 2...; a chapter's own toc gives its sections (its pages have no ``##``
    before their toc in these books, so toc entries are the only sections counted)."""
    numbers: dict[str, str | None] = {"index.md": None}

    def entries(source: str) -> list[tuple[bool, list[str]]]:
        text = (book / source).read_text(encoding="utf-8")
        base = Path(source).parent
        blocks = []
        for body in _TOC.findall(text):
            lines = [line.strip() for line in body.splitlines() if line.strip()]
            pages = [(base / line.removesuffix(".md")).as_posix() + ".md"
                     for line in lines if not line.startswith(":")]
            blocks.append((":numbered:" in lines, pages))
        return blocks

    def visit(source: str, number: str | None) -> None:
        count = 0
        for numbered, pages in entries(source):
            for page in pages:
                if numbered or number is not None:
                    count += 1
                    numbers[page] = f"{number}.{count}" if number else str(count)
                else:
                    numbers[page] = None
                visit(page, numbers[page])

    visit("index.md", None)
    return numbers


def build(book: Path, out: Path) -> tuple[int, dict]:
    status = main(["build", "html", "--no-eval", "-C", str(book), "--out", str(out), "-q"])
    return status, json.loads((out / "report.json").read_text())


def test_d2l_tvm_builds_every_toc_page_numbered_as_its_toc_says(tmp_path: Path) -> None:
    book = require_corpus("d2l-tvm") / "d2l-tvm"
    parser = configparser.ConfigParser()
    parser.read(book / "config.ini")
    assert parser["build"]["notebooks"].split() == ["*.md", "**/*.md"]
    status, report = build(book, tmp_path / "out")
    assert status == 0
    assert report["errors"] == [] and report["warnings"] == []
    expected = toc_numbers(book)
    assert len(expected) == 44
    assert {p["source"]: p["number"] for p in report["pages"]} == expected
    titles = {p["number"]: p["title"] for p in report["pages"] if p["number"]}
    assert titles["4"] == "Operator Optimizations on CPUs"
    assert titles["4.1"] == "CPU Architecture"
    assert titles["5"] == "Operator Optimizations on GPUs"
    assert {n for n in titles if n.startswith("4.")} == {f"4.{i}" for i in range(1, 12)}
    for page in report["pages"]:
        html = (tmp_path / "out" / "html" / page["output"]).read_text()
        if page["number"]:  # the page's title carries the toc's number
            assert re.search(rf'<h1 id="[^"]*"><span class="section-number">{re.escape(page["number"])}</span>',
                             html), page["source"]
    assert "README.md" not in {p["source"] for p in report["pages"]}


def test_d2l_en_pages_are_its_toc_pages_and_numbers(tmp_path: Path) -> None:
    book = require_corpus("d2l-en") / "d2l-en"
    status, report = build(book, tmp_path / "out")
    assert status == 0 and report["errors"] == []
    expected = toc_numbers(book)
    assert len(expected) == 192
    assert {p["source"]: p["number"] for p in report["pages"]} == expected
    assert "orphan" not in {w["code"] for w in report["warnings"]}
