"""Build times of d2l-en's EPUBs: cold, and after one sentence edited.

    python bench/epub_times.py [--runs 3] [--corpus ../shared/corpus/d2l-en] [--tab pytorch]

Each run copies the corpus to a temporary folder and times
``divebook build epub --no-eval`` as a user runs it (a new process): a cold
build (empty cache; every page rendered, the website's math cache absent),
then a build after one sentence of one page changed.  Without ``--tab`` it
builds the four tabs' EPUBs.  Prints the median of each, with how many pages
each build rendered (from report.json): the edit should render one page per
EPUB whose tab shows that page's change.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from build_times import DEFAULT_CORPUS, edit_one_sentence, timed


def epub_times(corpus: Path, runs: int, tab: str | None) -> tuple[dict[str, list[float]], dict[str, int]]:
    times: dict[str, list[float]] = {"cold": [], "one-sentence edit": []}
    rendered: dict[str, int] = {}
    for run in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            book = Path(tmp) / "d2l-en"
            shutil.copytree(corpus, book)
            cmd = [sys.executable, "-m", "divebook", "build", "epub", "--no-eval", "-q", "-C", str(book)]
            if tab:
                cmd += ["--tab", tab]
            for name in times:
                if name != "cold":
                    edit_one_sentence(book, run)
                times[name].append(timed(cmd))
                report = json.loads((book / "_build" / "report.json").read_text())
                rendered[name] = sum(e["rendered"] for e in report["epub"].values())
    return times, rendered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--tab", help="one tab's EPUB only (default: every tab)")
    args = parser.parse_args()
    times, rendered = epub_times(args.corpus, args.runs, args.tab)
    print(f"d2l-en EPUB ({args.tab or 'every tab'}), median of {args.runs}:")
    for name, values in times.items():
        print(f"  {name:<18} {statistics.median(values):7.2f} s   pages rendered: {rendered[name]}")


if __name__ == "__main__":
    main()
