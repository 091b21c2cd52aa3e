"""How long after an edit does ``divebook serve`` show it?  (d2l-en, no evaluation)

Copies the corpus to a temporary folder, starts the preview, opens a page in
Chromium, edits one paragraph of that page N times (pausing between edits as
an author would) and prints, for each edit, the time from saving the file to
the reloaded page showing the new sentence, and the rebuild's own time.

    PYTHONPATH=src python bench/serve_edit.py [--edits 5] [--pause 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from corpora import D2L_EN  # bench/ is on sys.path as the script's folder

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from divebook.serve import Preview  # noqa: E402

CORPUS = D2L_EN  # $DIVEBOOK_CORPUS/d2l-en, as the tests read it
PAGE = "chapter_linear-classification/softmax-regression-concise"
SENTENCE = "they are similarly convenient here."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--pause", type=float, default=3.0, help="seconds between edits")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "book"
        shutil.copytree(args.corpus, book)
        source = book / f"{PAGE}.md"
        original = source.read_text(encoding="utf-8")
        start = time.perf_counter()
        preview = Preview(book, out=Path(tmp) / "out", port=0, evaluate=False)
        preview.start()
        print(f"first build and start: {time.perf_counter() - start:.2f} s", file=sys.stderr)
        rows = []
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                            args=["--no-sandbox", "--disable-gpu"])
                page = browser.new_page()
                page.goto(preview.url + f"{PAGE}.html")
                page.wait_for_timeout(int(args.pause * 1000))
                for i in range(args.edits):
                    marker = f"Edit number {i} of the benchmark."
                    began = time.perf_counter()
                    source.write_text(original.replace(SENTENCE, f"{SENTENCE} {marker}", 1), encoding="utf-8")
                    page.wait_for_function("m => !!document.body && document.body.innerText.includes(m)", arg=marker,
                                           timeout=60000)
                    rows.append((i + 1, time.perf_counter() - began, preview.state.seconds))
                    page.wait_for_timeout(int(args.pause * 1000))
                browser.close()
        finally:
            preview.stop()
    print("| edit | saved -> page shows it (s) | rebuild (s) |")
    print("|-----:|---------------------------:|------------:|")
    for number, shown, rebuild in rows:
        print(f"| {number} | {shown:.3f} | {rebuild:.3f} |")
    print(f"| median | {statistics.median(r[1] for r in rows):.3f} | "
          f"{statistics.median(r[2] for r in rows):.3f} |")


if __name__ == "__main__":
    main()
