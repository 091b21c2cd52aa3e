"""CPU time of the internal link check (issue 21: under 0.2 s on d2l-en).

    python bench/linkcheck.py BOOK [--runs 5]

Reads and resolves BOOK once, then times ``check_site_links`` (every link of
every site the build writes: each language and the side-by-side pages) with
CPU time, as the machine is shared, and prints the median and the links seen.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("book", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from divebook.context import BuildOptions
    from divebook.build import prepare, read_stage, transform_stage
    from divebook.linkcheck.internal import check_site_links, page_links

    with tempfile.TemporaryDirectory() as out:
        ctx = prepare(BuildOptions(book=args.book, out=Path(out)))
        read_stage(ctx)
        transform_stage(ctx)
        books = [v.book for v in ctx.views] or [ctx.book]
        links = sum(1 for b in books for p in b.pages.values() for _ in page_links(p))
        times = []
        for _ in range(args.runs):
            start = time.process_time()
            check_site_links(ctx, written=False)
            times.append(time.process_time() - start)
    print(f"{args.book.name}: {len(books)} site(s), {links} links, internal check "
          f"{statistics.median(times) * 1000:.1f} ms CPU (median of {args.runs})")


if __name__ == "__main__":
    main()
