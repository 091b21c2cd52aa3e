"""Build a book with two divebook checkouts and report every byte that differs.

    python tools/compare_builds.py --old /work/wt-base [--book DIR] [--pdf tex|xelatex|none]

Each checkout runs with its own ``.venv`` (``make .venv/.divebook-installed``
there first).  The website is built with ``build html --no-eval`` and must be
byte-identical.  For the PDF, ``--pdf tex`` (default) writes the LaTeX only
(xelatex is reported missing to both builds) and compares the ``.tex`` and its
line map and figures (PDF figures converted from SVG compared without their
dates); ``--pdf xelatex`` runs LaTeX too and compares the page counts and each PDF's
text (``pdftotext``; a PDF's bytes carry its creation date).  Exit status 1 when anything differs.

Written for the restructure of issue 15: moving code must not change a byte.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("DIVEBOOK_CORPUS", ROOT.parent / "shared" / "corpus"))

#: Run divebook's command line with xelatex reported missing (old and new layouts).
_NO_TEX = """
import importlib, sys
for name in ("divebook.writers.latex.book", "divebook.writers.latex"):
    try:
        module = importlib.import_module(name)
    except ImportError:
        continue
    if hasattr(module, "tex_available"):
        module.tex_available = lambda: "xelatex (left out by compare_builds)"
from divebook.cli import main
sys.exit(main(sys.argv[1:]))
"""

#: Files that differ between any two builds (timings, caches, locks), never compared.
_SKIP = {".cache", ".divebook-output", ".divebook-build.json", ".divebook-lock", ".aux", "report.json"}


def build(checkout: Path, book: Path, out: Path, target: str, tex: bool) -> float:
    """One build in a fresh folder; its wall time."""
    python = checkout / ".venv" / "bin" / "python"
    if not python.exists():
        sys.exit(f"{python} is missing: run `make .venv/.divebook-installed` in {checkout}")
    code = "from divebook.cli import main; import sys; sys.exit(main(sys.argv[1:]))" if tex else _NO_TEX
    cmd = [str(python), "-c", code, "build", target, "--no-eval", "-q", "-C", str(book), "--out", str(out)]
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=checkout, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return seconds


def files(root: Path, wanted) -> dict[str, Path]:  # type: ignore[no-untyped-def]
    found = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.is_file() and not (_SKIP & set(rel.parts)) and wanted(rel):
            found[rel.as_posix()] = path
    return found


_PDF_DATES = re.compile(rb"/(CreationDate|ModDate) ?\((D:)?[0-9Z+\-']*\)")


def same(a: Path, b: Path) -> bool:
    """Byte-identical; a PDF (a figure converted from SVG) may differ in its dates only."""
    if filecmp.cmp(a, b, shallow=False):
        return True
    return a.suffix == ".pdf" and _PDF_DATES.sub(b"", a.read_bytes()) == _PDF_DATES.sub(b"", b.read_bytes())


def compare(old: Path, new: Path, wanted) -> list[str]:  # type: ignore[no-untyped-def]
    a, b = files(old, wanted), files(new, wanted)
    problems = [f"only in old: {p}" for p in sorted(a.keys() - b.keys())]
    problems += [f"only in new: {p}" for p in sorted(b.keys() - a.keys())]
    problems += [f"differs: {p}" for p in sorted(a.keys() & b.keys())
                 if not same(a[p], b[p])]
    return problems


def pdf_texts(old: Path, new: Path) -> list[str]:
    """Each PDF's text (``pdftotext``), which carries no date, compared."""
    if shutil.which("pdftotext") is None:
        return []
    problems = []
    for pdf in sorted(new.glob("*.pdf")):
        texts = [subprocess.run(["pdftotext", str(p), "-"], capture_output=True).stdout
                 for p in (old / pdf.name, pdf)]
        print(f"pdf: {pdf.name}: text {'identical' if texts[0] == texts[1] else 'DIFFERS'} "
              f"({len(texts[1])} bytes)")
        if texts[0] != texts[1]:
            problems.append(f"differs: the text of {pdf.name}")
    return problems


def report_problems(out: Path) -> list:  # type: ignore[type-arg]
    report = json.loads((out / "report.json").read_text())
    return [(d.get("file"), d.get("line"), d.get("code"), d.get("message"))
            for d in report.get("diagnostics", [])]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--old", type=Path, required=True, help="the checkout to compare against")
    ap.add_argument("--new", type=Path, default=ROOT, help="default: this checkout")
    ap.add_argument("--book", type=Path, default=CORPUS / "d2l-en")
    ap.add_argument("--pdf", choices=["tex", "xelatex", "none"], default="tex")
    ap.add_argument("--keep", type=Path, help="build here and keep the outputs (default: a temporary folder)")
    args = ap.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="divebook-compare-"))
    failed = False
    try:
        targets = [("html", lambda rel: rel.parts[0] == "html")]
        if args.pdf != "none":
            targets.append(("pdf", lambda rel: rel.parts[0] == "pdf" and (
                rel.suffix == ".tex" or rel.name.endswith(".linemap.json") or "img" in rel.parts)))
        for target, wanted in targets:
            outs = {}
            for side, checkout in (("old", args.old), ("new", args.new)):
                out = work / f"{side}-{target}"
                seconds = build(checkout.resolve(), args.book.resolve(), out, target, args.pdf == "xelatex")
                outs[side] = out
                print(f"{target}: {side} build {seconds:.1f} s ({checkout})")
            problems = compare(outs["old"], outs["new"], wanted)
            count = len(files(outs["new"], wanted))
            if report_problems(outs["old"]) != report_problems(outs["new"]):
                problems.append("report.json: the diagnostics differ")
            if target == "pdf" and args.pdf == "xelatex":
                pages = [json.loads((o / "report.json").read_text()).get("pdf") for o in outs.values()]
                print(f"pdf: report old {pages[0]}\n     report new {pages[1]}")
                problems += pdf_texts(outs["old"] / "pdf", outs["new"] / "pdf")
            print(f"{target}: {count} files compared, {len(problems)} differ")
            for p in problems[:50]:
                print("  " + p)
            failed |= bool(problems)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print("IDENTICAL" if not failed else "DIFFERENT")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
