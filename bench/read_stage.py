"""CPU time of the read stage, and whether another checkout's reader reads the same pages.

    python bench/read_stage.py BOOK [--runs 5] [--src src] [--same-as OTHER/src]

Times ``read_book(config, None, 1, Diagnostics())`` (CPU, not wall time: the
machine is shared) and prints the median.  With ``--same-as``, each checkout
reads every page of BOOK in its own process and the pickled
``(page, diagnostics)`` pairs, and the whole book, are compared for equality.
"""

from __future__ import annotations

import argparse
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _time(book: Path, runs: int) -> list[float]:
    from divebook.config import load_config
    from divebook.diagnostics import Diagnostics
    from divebook.reader.book import read_book

    config = load_config(book, Diagnostics())
    read_book(config, None, 1, Diagnostics())  # imports, parser
    out = []
    for _ in range(runs):
        start = time.process_time()
        read_book(config, None, 1, Diagnostics())
        out.append(time.process_time() - start)
    return out


def _dump(book: Path, target: Path) -> None:
    """Every page's pickled (page, diagnostics) and the book, as this checkout reads them."""
    from divebook.config import load_config
    from divebook.diagnostics import Diagnostics
    from divebook.reader.book import _read_one, _ReadJob, book_languages, find_markdown, read_book

    diags = Diagnostics()
    config = load_config(book, diags)
    langs = book_languages(config)
    out = {s: _read_one(_ReadJob(str(book), s, (book / s).read_bytes(), config.tab_names, "", None, langs))
           for s in find_markdown(config)}
    book_diags = Diagnostics()
    out[""] = pickle.dumps((read_book(config, None, 1, book_diags), diags.items, book_diags.items))
    target.write_bytes(pickle.dumps(out))


def _same(book: Path, src: Path, other: Path) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        dumps = []
        for checkout in (src, other):
            target = Path(tmp) / f"{len(dumps)}.pkl"
            subprocess.run([sys.executable, __file__, str(book), "--dump", str(target)], check=True,
                           env={"PYTHONPATH": str(checkout.resolve())})
            dumps.append(pickle.loads(target.read_bytes()))
    mine, theirs = dumps
    sys.path.insert(0, str(src.resolve()))
    differ = sorted(k for k in mine.keys() | theirs.keys()
                    if k not in mine or k not in theirs or pickle.loads(mine[k]) != pickle.loads(theirs[k]))
    print(f"{len(mine) - 1} pages and the book: {len(differ)} differ {differ[:10]}")
    return 1 if differ else 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("book", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--src", type=Path, default=Path(__file__).parent.parent / "src")
    parser.add_argument("--same-as", type=Path)
    parser.add_argument("--dump", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.dump:
        _dump(args.book, args.dump)
        return 0
    if args.same_as:
        return _same(args.book, args.src, args.same_as)
    sys.path.insert(0, str(args.src.resolve()))
    times = _time(args.book, args.runs)
    print(f"| read_book CPU s | median {statistics.median(times):.3f} | runs "
          f"{' '.join(f'{t:.3f}' for t in times)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
