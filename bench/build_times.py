"""Build times of the d2l-en corpus: cold, nothing changed, one paragraph edited.

    python bench/build_times.py [--runs 3] [--corpus $DIVEBOOK_CORPUS/d2l-en]

Each run copies the corpus to a temporary folder, then times the
``divebook build html --no-eval`` command (a new process, as a user runs it):
a cold build (empty cache), a rebuild with nothing changed, and a rebuild
after one sentence of one page changed.  Prints the median of each.

With ``--problems`` the copy first gets mistakes a book in progress has
(an unresolved reference, a duplicate label, a missing citation, a missing
image, a page in no toc): its no-op rebuild should cost what a clean one does.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from corpora import D2L_EN  # bench/ is on sys.path as the script's folder

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = D2L_EN  # $DIVEBOOK_CORPUS/d2l-en, as the tests read it
EDITED_PAGE = "chapter_linear-regression/linear-regression.md"


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed:\n{result.stderr}")
    return elapsed


def edit_one_sentence(book: Path, run: int) -> None:
    page = book / EDITED_PAGE
    text = page.read_text()
    marker = "*Regression* problems pop up"
    page.write_text(text.replace(marker, f"*Regression* problems (edit {run}) pop up", 1))


#: appended to a page by --problems: three errors and a warning, all in the book's own text
PROBLEMS = ("\n\nSee :numref:`no_such_label` and :cite:`NoSuchKey2099`.\n\n"
            "![Missing.](../img/no-such-image.svg)\n:label:`sec_ndarray`\n")


def add_problems(book: Path) -> None:
    page = book / "chapter_preliminaries" / "ndarray.md"
    page.write_text(page.read_text() + PROBLEMS)
    (book / "chapter_preliminaries" / "in-no-toc.md").write_text("# In no toc\n\nSee :ref:`sec_nowhere`.\n")


def divebook_times(corpus: Path, runs: int, problems: bool = False) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"cold": [], "no-op": [], "one-paragraph edit": []}
    for run in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            book = Path(tmp) / "d2l-en"
            shutil.copytree(corpus, book)
            if problems:
                add_problems(book)
            cmd = [sys.executable, "-m", "divebook", "build", "html", "--no-eval", "-q", "-C", str(book)]
            times["cold"].append(timed(cmd))
            times["no-op"].append(timed(cmd))
            edit_one_sentence(book, run)
            times["one-paragraph edit"].append(timed(cmd))
    return times


def print_table(rows: list[tuple[str, str, str]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for i, row in enumerate(rows):
        print("  ".join(cell.ljust(widths[j]) if j == 0 else cell.rjust(widths[j]) for j, cell in enumerate(row)))
        if i == 0:
            print("  ".join("-" * w for w in widths))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--problems", action="store_true", help="add errors and warnings to the copy")
    args = parser.parse_args()
    times = divebook_times(args.corpus, args.runs, args.problems)
    title = "d2l-en with problems" if args.problems else "d2l-en"
    rows = [(f"{title}, HTML, no execution", "median (s)", "runs")]
    for name, values in times.items():
        rows.append((name, f"{statistics.median(values):.2f}", str(len(values))))
    print_table(rows)


if __name__ == "__main__":
    main()
