"""d2l-en's rendered prose: no "--" left (it writes "encoder--decoder" 160 times), no "and et al."."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from divebook.cli import main
from tests.conftest import CORPUS, require_corpus

pytestmark = pytest.mark.corpus


class _Prose(HTMLParser):
    """The text of a page's article outside code, math, scripts and styles."""

    SKIP = {"code", "pre", "math", "script", "style"}

    def __init__(self) -> None:
        super().__init__()
        self.in_article = False
        self.skip = 0
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.in_article |= tag == "article"
        self.skip += tag in self.SKIP

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in self.SKIP
        self.in_article &= tag != "article"

    def handle_data(self, data: str) -> None:
        if self.in_article and not self.skip:
            self.text.append(data)


def test_no_double_hyphen_in_d2l_en_prose(tmp_path: Path) -> None:
    require_corpus("d2l-en")
    out = tmp_path / "out"
    assert main(["build", "html", "--no-eval", "-C", str(CORPUS / "d2l-en"), "--out", str(out), "-q"]) == 0
    left, dashes, pages = [], 0, 0
    for page in sorted((out / "html").rglob("*.html")):
        parser = _Prose()
        parser.feed(page.read_text(encoding="utf-8"))
        text = "".join(parser.text)
        pages += 1
        dashes += text.count("\u2013") + text.count("\u2014")
        left += [f"{page.relative_to(out)}: {m.group(0)!r}" for m in re.finditer(r".{0,20}--.{0,20}", text)]
    assert pages > 150 and dashes > 160
    assert left == []
    references = (out / "html" / "chapter_references" / "zreferences.html").read_text(encoding="utf-8")
    assert "and et" not in references and references.count("et&nbsp;al.") >= 37
