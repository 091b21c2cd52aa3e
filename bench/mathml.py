"""Math conversion of every unique formula of d2l-en: latex2mathml alone against divebook.

    python bench/mathml.py [--runs 5] [--corpus $DIVEBOOK_CORPUS/d2l-en]

Reads the corpus with divebook's reader, collects the unique (LaTeX, display)
pairs the website converts, then converts them all with
``latex2mathml.converter.convert`` alone, with divebook's ``to_mathml``
without its TeX corrections (rewrites, brace check, its own serializer,
unknown-command check: the converter before issue 16), and with them
(``writers/math/mathml_tex.py``: operator spacing, limits, primes, text escapes,
bold letters). CPU time
(``time.process_time``), so other work on the machine counts less; one
process, warmed up once; prints the median of the runs.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from corpora import D2L_EN  # bench/ is on sys.path as the script's folder

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from latex2mathml.converter import convert  # noqa: E402

from timing import median_seconds  # noqa: E402

from divebook.config import load_config  # noqa: E402
from divebook.diagnostics import Diagnostics  # noqa: E402
from divebook.reader.book import read_book  # noqa: E402
from divebook.tree import page_math  # noqa: E402
from divebook.writers.math import mathml  # noqa: E402
from divebook.writers.math.mathml import MathError, to_mathml  # noqa: E402

DEFAULT_CORPUS = D2L_EN  # $DIVEBOOK_CORPUS/d2l-en, as the tests read it


def formulas(book: Path) -> list[tuple[str, bool]]:
    """The unique (LaTeX, display) pairs of the book, in reading order."""
    diags = Diagnostics()
    pages = read_book(load_config(book, diags), None, 1, diags).pages.values()
    return list(dict.fromkeys(formula for page in pages for formula in page_math(page.blocks)))


def latex2mathml_alone(pairs: list[tuple[str, bool]]) -> None:
    for latex, display in pairs:
        try:
            convert(latex, display="block" if display else "inline")
        except Exception:  # noqa: BLE001 - the few the book cannot convert count too
            pass


def divebook(pairs: list[tuple[str, bool]]) -> None:
    for latex, display in pairs:
        try:
            to_mathml(latex, display)
        except MathError:
            pass


def divebook_uncorrected(pairs: list[tuple[str, bool]]) -> None:
    correct, prepare = mathml.correct, mathml.prepare
    mathml.correct, mathml.prepare = (lambda tree, display: None), (lambda latex, display: latex)
    try:
        divebook(pairs)
    finally:
        mathml.correct, mathml.prepare = correct, prepare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()
    pairs = formulas(args.corpus)
    rows = [(name, median_seconds(lambda: convert_all(pairs), args.runs, time.process_time))
            for name, convert_all in (("latex2mathml.convert", latex2mathml_alone),
                                      ("to_mathml, no TeX corrections", divebook_uncorrected),
                                      ("to_mathml (TeX corrections)", divebook))]
    print(f"d2l-en: {len(pairs)} unique formulas, {sum(len(t) for t, _ in pairs) / 1000:.0f} kB; "
          f"CPU seconds, median of {args.runs} runs")
    table = [("conversion", "CPU (s)", "per formula (µs)")]
    table += [(name, f"{t:.3f}", f"{t / len(pairs) * 1e6:.0f}") for name, t in rows]
    widths = [max(len(r[i]) for r in table) for i in range(3)]
    for row in table:
        print("  ".join(c.ljust(widths[0]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(row)))


if __name__ == "__main__":
    main()
