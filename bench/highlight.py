"""Syntax highlighting of every code cell of d2l-en: Pygments alone against divebook's.

    python bench/highlight.py [--runs 3] [--corpus $DIVEBOOK_CORPUS/d2l-en]

Reads the corpus with divebook's reader, then highlights each code cell for the
website (HTML spans) and the PDF (LaTeX) twice: with Pygments' lexers and
formatters alone (divebook before tree-sitter), and with divebook's
``highlight_html`` / ``highlight_latex`` (tree-sitter for Python, Pygments for
the rest). One process, warmed up once; prints the median of the runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from corpora import D2L_EN  # bench/ is on sys.path as the script's folder

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from pygments import highlight  # noqa: E402
from pygments.formatters import HtmlFormatter, LatexFormatter  # noqa: E402

from timing import median_seconds  # noqa: E402

from divebook.config import load_config  # noqa: E402
from divebook.diagnostics import Diagnostics  # noqa: E402
from divebook.reader.book import read_book  # noqa: E402
from divebook.tree import CodeCell, walk_blocks  # noqa: E402
from divebook.writers.code.highlight import (
    _magic_start, highlight_html, highlight_latex, lexer_for, tree_sitter_tokens,
)

DEFAULT_CORPUS = D2L_EN  # $DIVEBOOK_CORPUS/d2l-en, as the tests read it


def code_cells(book: Path) -> list[tuple[str, str]]:
    """(source, language) of every code cell, the language as the HTML writer reads it."""
    diags = Diagnostics()
    pages = read_book(load_config(book, diags), None, 1, diags).pages.values()
    return [(b.source, b.language or "text") for page in pages for b in walk_blocks(page.blocks)
            if isinstance(b, CodeCell)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()
    cells = code_cells(args.corpus)
    html, latex = HtmlFormatter(nowrap=True), LatexFormatter(commandprefix="PYG")

    def pygments(formatter):
        return lambda: [highlight(s, lexer_for(lang, _magic_start(s)), formatter) for s, lang in cells]

    rows = [
        ("HTML", median_seconds(pygments(html), args.runs),
         median_seconds(lambda: [highlight_html(s, lang) for s, lang in cells], args.runs)),
        ("LaTeX", median_seconds(pygments(latex), args.runs),
         median_seconds(lambda: [highlight_latex(s, lang) for s, lang in cells], args.runs)),
    ]
    python = [s for s, lang in cells if lang == "python"]
    fast = sum(tree_sitter_tokens(s, "python") is not None for s in python)
    print(f"d2l-en: {len(cells)} code cells, {sum(len(s) for s, _ in cells) / 1000:.0f} kB; "
          f"{fast} of {len(python)} Python cells tokenized by tree-sitter; median of {args.runs} runs")
    table = [("output", "Pygments (s)", "divebook (s)", "ratio")]
    table += [(name, f"{old:.3f}", f"{new:.3f}", f"{old / new:.1f}x") for name, old, new in rows]
    widths = [max(len(r[i]) for r in table) for i in range(4)]
    for row in table:
        print("  ".join(c.ljust(widths[0]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(row)))


if __name__ == "__main__":
    main()
