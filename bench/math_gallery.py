"""A page of a book's hardest formulas, each as the website sets it beside TeX's own setting.

    python bench/math_gallery.py BOOK [--out DIR] [--count 40]

The browser's MathML (divebook's ``to_mathml``, styled by the site's CSS) can
only be judged against what the author meant, and that is TeX's typesetting.
So the formulas most likely to go wrong — those with environments, those
with operator names, the longest — are set once more by xelatex (one run, one
page per formula with the ``preview`` package, converted to PNG by
``pdftoppm`` at twice the screen's resolution and shown at TeX's size) and
written side by side into ``DIR/index.html`` (default
``BOOK/_build/math-gallery``).  Open it in a browser and look along each row.

A formula the website cannot convert shows as ``.math-error`` (as on the
site); one TeX rejects shows as ``.tex-error`` with TeX's message.
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import struct
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from divebook.config import load_config  # noqa: E402
from divebook.diagnostics import Diagnostics  # noqa: E402
from divebook.reader.book import read_book  # noqa: E402
from divebook.tree import page_math  # noqa: E402
from divebook.writers.latex.math import prepare_math  # noqa: E402
from divebook.writers.math.mathml import MathError, to_mathml  # noqa: E402

CSS = REPO / "src" / "divebook" / "writers" / "html" / "theme" / "static" / "divebook.css"
OPERATOR = re.compile(r"\\(?:log|exp|sin|cos|tan|tanh|max|min|arg|lim|sup|inf|det|Pr|operatorname)"
                      r"(?![A-Za-z])")
PREAMBLE = r"""\documentclass[12pt]{article}
\usepackage{amsmath,amssymb,bm,mathtools}
\usepackage[active,tightpage]{preview}
\setlength\PreviewBorder{2pt}
\pagestyle{empty}
\begin{document}
"""
#: pdftoppm's resolution: twice a CSS inch's 96 px, shown at half size, so TeX's 12 pt is 16 px.
DPI = 192


@dataclass(slots=True)
class Formula:
    latex: str
    display: bool
    why: str
    mathml: str = ""
    math_error: str = ""
    tex_error: str = ""
    image: str = ""
    size: tuple[int, int] = (0, 0)
    others: dict[str, str] = field(default_factory=dict)  # engine -> MathML or error (--engines)


def book_formulas(book: Path) -> list[tuple[str, bool]]:
    """The unique (LaTeX, display) pairs of the book, in reading order."""
    diags = Diagnostics()
    pages = read_book(load_config(book, diags), None, 1, diags).pages.values()
    return list(dict.fromkeys(formula for page in pages for formula in page_math(page.blocks)))


def hardest(pairs: list[tuple[str, bool]], count: int) -> list[Formula]:
    """About a third each: environments, operator names, the longest of the rest (longest first)."""
    by_length = sorted(pairs, key=lambda p: -len(p[0]))
    chosen: dict[tuple[str, bool], str] = {}
    share = max(1, count // 3)
    for why, test in (("environment", lambda t: "\\begin" in t), ("operator name", OPERATOR.search)):
        for pair in [p for p in by_length if test(p[0]) and p not in chosen][:share]:
            chosen[pair] = why
    for pair in by_length:
        if len(chosen) >= count:
            break
        chosen.setdefault(pair, "long")
    return [Formula(latex, display, why) for (latex, display), why in chosen.items()]


def convert(formulas: list[Formula]) -> None:
    for f in formulas:
        try:
            f.mathml = to_mathml(f.latex, f.display)
        except MathError as exc:
            f.math_error = str(exc)


def other_engines(formulas: list[Formula]) -> list[str]:
    """KaTeX's and Temml's MathML of each formula (through Node, see math_engines.py)."""
    from math_engines import ANNOTATION, ensure_js, run_js

    report, _ = run_js(ensure_js(), [(f.latex, f.display) for f in formulas], 0)
    for name, result in report.items():
        for f, error, mathml in zip(formulas, result["errors"], result["mathml"]):
            f.others[name] = (f'<code class="math-error">{html.escape(error)}</code>' if error
                              else ANNOTATION.sub("", mathml))
    return list(report)


def typeset(formulas: list[Formula], work: Path) -> None:
    """One xelatex run, one page per formula; PNG pages into ``work``; TeX's errors per formula."""
    work.mkdir(parents=True, exist_ok=True)
    lines = PREAMBLE.count("\n")
    body, starts = [], []
    for f in formulas:
        prepared = prepare_math(f.latex, f.display)
        tex = prepared.tex if not prepared.problem else r"\text{?}"
        if prepared.problem:
            f.tex_error = prepared.problem
        math = f"$\\displaystyle {tex}$" if f.display else f"${tex}$"
        starts.append(lines + 1)
        chunk = f"\\begin{{preview}}\n{math}\n\\end{{preview}}\n"
        body.append(chunk)
        lines += chunk.count("\n")
    (work / "gallery.tex").write_text(PREAMBLE + "".join(body) + "\\end{document}\n", encoding="utf-8")
    subprocess.run(["xelatex", "-interaction=nonstopmode", "gallery.tex"],
                   cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300,
                   check=False)
    log = (work / "gallery.log").read_text(encoding="utf-8", errors="replace")
    for message, line in re.findall(r"^! (.*?)$.*?^l\.(\d+)", log, re.M | re.S):
        index = max(i for i, s in enumerate(starts) if s <= int(line))
        formulas[index].tex_error = formulas[index].tex_error or message
    pdf = work / "gallery.pdf"
    if not pdf.exists():
        raise SystemExit(f"xelatex wrote no PDF; see {work / 'gallery.log'}")
    for old in work.glob("page-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", str(DPI), str(pdf), str(work / "page")], check=True)
    pages = sorted(work.glob("page-*.png"))
    if len(pages) != len(formulas):
        raise SystemExit(f"xelatex wrote {len(pages)} pages for {len(formulas)} formulas; "
                         f"see {work / 'gallery.log'}")
    for f, png in zip(formulas, pages):
        f.image = png.relative_to(work.parent).as_posix()
        f.size = png_size(png)


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the PNG's header (IHDR)."""
    width, height = struct.unpack(">II", path.read_bytes()[16:24])
    return width, height


def page(book: str, formulas: list[Formula], engines: list[str]) -> str:
    rows = []
    for n, f in enumerate(formulas, 1):
        if f.math_error:
            web = f'<code class="math-error" title="{html.escape(f.math_error)}">{html.escape(f.latex)}</code>'
        elif f.display:
            web = f'<div class="math display">{f.mathml}</div>'
        else:
            web = f'<p class="inline">{f.mathml}</p>'
        if f.tex_error:
            tex = f'<p class="tex-error">TeX: {html.escape(f.tex_error)}</p>'
        else:
            tex = ""
        width, height = (f.size[0] * 96 // DPI, f.size[1] * 96 // DPI)
        tex += f'<img class="tex" src="{f.image}" width="{width}" height="{height}" alt="TeX {n}">'
        others = "".join(f'<td class="other"><div class="scroll">{_block(f.others[e], f.display)}</div></td>'
                         for e in engines)
        rows.append(f'<tr id="f{n}"><th>{n}<br><small>{f.why}{" (display)" if f.display else ""}'
                    f'</small></th><td class="web"><div class="scroll">{web}</div></td>'
                    f'<td class="tex"><div class="scroll">{tex}</div></td>{others}</tr>\n'
                    f'<tr class="source"><td></td><td colspan="{2 + len(engines)}"><code>'
                    f'{html.escape(f.latex)}</code></td></tr>\n')
    heads = ("".join(f"<th>{e} (MathML)</th>" for e in engines),
             f", then {' and '.join(engines)} in the same browser" if engines else "")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Math gallery: {html.escape(book)}</title>
<link rel="stylesheet" href="divebook.css">
<style>
body {{ margin: 1rem; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-top: 1px solid #ccc; padding: .4rem; vertical-align: middle; text-align: left; }}
td.web, td.tex, td.other {{ width: {96 // (2 + len(engines))}%; }}
td > div.scroll {{ max-width: {94 // (2 + len(engines))}vw; overflow-x: auto; }}
tr.source td {{ border-top: none; font-size: .75rem; color: #666; }}
img.tex {{ display: block; margin: 0 auto; }}
.tex-error {{ color: #b00; }}
</style></head>
<body>
<h1>Math gallery: {html.escape(book)}</h1>
<p>{len(formulas)} formulas: the browser's MathML (left) beside TeX (xelatex at 12 pt){heads[1]}.</p>
<table>
<tr><th>#</th><th>browser (MathML)</th><th>TeX</th>{heads[0]}</tr>
{"".join(rows)}</table>
</body></html>
"""


def _block(mathml: str, display: bool) -> str:
    return f'<div class="math display">{mathml}</div>' if display else f'<p class="inline">{mathml}</p>'


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("book", type=Path)
    parser.add_argument("--out", type=Path, help="default: BOOK/_build/math-gallery")
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--engines", action="store_true",
                        help="add KaTeX's and Temml's MathML (Node; see math_engines.py)")
    args = parser.parse_args(argv)
    for tool in ("xelatex", "pdftoppm"):
        if not shutil.which(tool):
            raise SystemExit(f"`{tool}` is needed (Debian: texlive-xetex, poppler-utils)")
    out = (args.out or args.book / "_build" / "math-gallery").resolve()
    formulas = hardest(book_formulas(args.book), args.count)
    convert(formulas)
    engines = other_engines(formulas) if args.engines else []
    typeset(formulas, out / "tex")
    shutil.copyfile(CSS, out / "divebook.css")
    (out / "index.html").write_text(page(args.book.resolve().name, formulas, engines), encoding="utf-8")
    problems = sum(bool(f.math_error) for f in formulas), sum(bool(f.tex_error) for f in formulas)
    print(f"{out / 'index.html'}: {len(formulas)} formulas "
          f"({problems[0]} the website cannot convert, {problems[1]} TeX rejects)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
