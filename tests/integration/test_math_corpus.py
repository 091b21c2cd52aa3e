"""No raw LaTeX and no error box on the built websites of d2l-en, d2l-zh and the starter book.

Each site is built (``--no-eval``: math does not depend on running code) and
every page's DOM is read with html.parser: no text in a ``<math>`` element
may hold a backslash with more (a command latex2mathml left as text; ``\\``
alone is ``\backslash``, a symbol), no page
may hold a math error box (``.math-error``, ``<merror>``), and the text outside
code may hold no LaTeX command (``\\url`` in the bibliography).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from divebook.cli import main
from tests.conftest import require_corpus

STARTER = Path(__file__).resolve().parents[2] / "starter"
_COMMAND = re.compile(r"\\[A-Za-z]+")
_CODE = {"pre", "code", "script", "style", "textarea"}


class _Scan(HTMLParser):
    """Raw LaTeX in math, error elements, and LaTeX commands in prose, of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.math_depth = 0
        self.code_depth = 0
        self.math_text: list[str] = []
        self.raw = False
        self.raw_math: list[str] = []
        self.errors = 0
        self.prose_commands: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "merror" or "math-error" in classes:
            self.errors += 1
        if tag == "math":
            self.math_depth += 1
            self.math_text = []
            self.raw = False
        elif tag in _CODE:
            self.code_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "math" and self.math_depth:
            self.math_depth -= 1
            text = "".join(self.math_text)
            if self.raw:
                self.raw_math.append(text)
        elif tag in _CODE and self.code_depth:
            self.code_depth -= 1

    def handle_data(self, data: str) -> None:
        if self.math_depth:
            self.math_text.append(data)
            self.raw = self.raw or ("\\" in data and data.strip() != "\\")
        elif not self.code_depth and "\\" in data:
            self.prose_commands += [m for m in _COMMAND.findall(data) if m in ("\\url", "\\textrm", "\\Big")]


def scan_site(site: Path) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    for page in sorted(site.rglob("*.html")):
        scan = _Scan()
        scan.feed(page.read_text(encoding="utf-8"))
        found = ([f"raw LaTeX in math: {t[:80]}" for t in scan.raw_math]
                 + [f"{scan.errors} math error element(s)"] * bool(scan.errors)
                 + [f"LaTeX in the text: {c}" for c in scan.prose_commands])
        if found:
            problems[page.relative_to(site).as_posix()] = found
    return problems


@pytest.mark.parametrize("book", ["d2l-en", "d2l-zh", "starter"])
def test_built_site_has_no_raw_latex_or_math_error(book: str, tmp_path: Path) -> None:
    root = STARTER if book == "starter" else require_corpus(book) / book
    out = tmp_path / book
    assert main(["build", "html", "--no-eval", "-C", str(root), "--out", str(out), "-q"]) in (0, 1)
    site = out / "html"
    pages = list(site.rglob("*.html"))
    assert len(pages) > 5
    assert sum(p.read_text(encoding="utf-8").count("<math") for p in pages) > (20 if book == "starter" else 500)
    assert scan_site(site) == {}
