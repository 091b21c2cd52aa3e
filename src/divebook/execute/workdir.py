"""The copy of the book that code runs in, one per tab, inside the build folder.

A page runs in its own folder of this copy, so relative paths such as
``../img/cat.jpg`` or ``../data`` work as in the book, while whatever the
code writes (downloads, checkpoints) lands in the build folder and never in
the sources.  Each tab has its own copy because tabs run at the same time
and may write the same files.  Only files that changed are copied again;
what the code wrote is left in place for the next build (downloads are
kept).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..confine import book_file

_SKIP_DIRS = {"_build", ".git", ".divebook", ".ipynb_checkpoints", "node_modules", "__pycache__"}


def run_root(out: Path, tab: str) -> Path:
    return out / "run" / tab


def mirror_book(book_root: Path, target: Path, out: Path) -> int:
    """Copy the book's files into ``target`` when missing or changed; returns how many."""
    copied = 0
    out = out.resolve()
    target = target.resolve()
    for folder, dirs, files in os.walk(book_root):
        here = Path(folder)
        dirs[:] = [d for d in dirs if d not in _SKIP_DIRS and not d.startswith(".")
                   and (here / d).resolve() not in (out, target)]
        rel = here.relative_to(book_root)
        for name in files:
            src = here / name
            dst = target / rel / name
            if os.path.islink(src) and book_file(book_root, src) is None:
                continue  # a link out of the book: its target is not the book's to copy
            try:
                st = src.stat()
                try:
                    dt = dst.stat()
                    if dt.st_size == st.st_size and dt.st_mtime_ns == st.st_mtime_ns:
                        continue
                except FileNotFoundError:
                    pass
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dst)
                copied += 1
            except OSError:
                continue  # unreadable or vanished while walking: the page will say what it misses
    return copied
