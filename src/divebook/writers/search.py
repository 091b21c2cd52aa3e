"""Full-text search: a Pagefind index of the website, made at build time.

Pagefind (PyPI ``pagefind[extended]``, which carries its binary) reads the
written pages (the ``data-pagefind-body`` article of each) and writes a
static index into ``_pagefind/``; the theme's script queries it in the
browser, so search works on any static host with no server code.  Pages are
indexed by their ``<html lang>``: each language of a book gets its own index
and a page searches the index of its own language.

The index is written to a fresh folder and swapped in, so a reader searching
while the site is rebuilt (``divebook serve``) never sees half an index.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

INDEX_DIR = "_pagefind"
#: parts of a page's article that are not worth finding: heading anchors, code outputs
IGNORED = (".headerlink", ".outputs", ".copy-button")


def pagefind_binary() -> Path | None:
    """The Pagefind executable from the ``pagefind`` Python packages, if installed."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        return None
    try:
        path = get_executable()
    except (FileNotFoundError, OSError):
        return None
    return path if path and path.is_file() else None


def index_exists(site: Path) -> bool:
    return (site / INDEX_DIR / "pagefind-entry.json").is_file()


class SearchIndexError(Exception):
    """Pagefind is missing or failed; the message says what to do."""


def index_site(site: Path, timeout: float = 600, nice: bool = False) -> str:
    """Index the pages under ``site`` into ``site/_pagefind``; returns Pagefind's summary.

    ``nice`` lowers Pagefind's priority, for indexing in the background of a preview.
    """
    binary = pagefind_binary()
    if binary is None:
        raise SearchIndexError("the search index was not built: Pagefind is not installed "
                               "(pip install 'pagefind[extended]')")
    fresh = site / f".{INDEX_DIR}.new"
    shutil.rmtree(fresh, ignore_errors=True)
    try:
        run = subprocess.run(
            [str(binary), "--site", str(site), "--output-path", str(fresh), "--quiet",
             "--keep-index-url", *[a for sel in IGNORED for a in ("--exclude-selectors", sel)]],
            capture_output=True, text=True, timeout=timeout, check=False,
            preexec_fn=(lambda: os.nice(10)) if nice and hasattr(os, "nice") else None)
    except (OSError, subprocess.TimeoutExpired) as exc:
        shutil.rmtree(fresh, ignore_errors=True)
        raise SearchIndexError(f"the search index was not built: Pagefind failed to run ({exc})") from None
    if run.returncode != 0 or not (fresh / "pagefind-entry.json").is_file():
        shutil.rmtree(fresh, ignore_errors=True)
        detail = (run.stderr or run.stdout).strip().splitlines()[-5:]
        raise SearchIndexError("the search index was not built: Pagefind exited with status "
                               f"{run.returncode}: {' / '.join(detail)}")
    current, old = site / INDEX_DIR, site / f".{INDEX_DIR}.old"
    shutil.rmtree(old, ignore_errors=True)
    if current.exists():
        current.rename(old)
    fresh.rename(current)
    shutil.rmtree(old, ignore_errors=True)
    return (run.stdout or "").strip()
