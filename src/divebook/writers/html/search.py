"""Full-text search: a Pagefind index of the website, made at build time.

Pagefind (PyPI ``pagefind[extended]``, which carries its binary) reads the
written pages (the ``data-pagefind-body`` article of each) and writes a
static index into ``_pagefind/``; the theme's script queries it in the
browser, so search works on any static host with no server code.  Pages are
indexed by their ``<html lang>``: each language of a book gets its own index
and a page searches the index of its own language.

The index is written to a fresh folder and swapped in, so a reader searching
while the site is rebuilt (``divebook serve``) never sees half an index.

Indexing a whole book takes a second; an edit changes a page or two.  So
after an edit only the pages changed since the last full index are indexed,
into a small second index (``_pagefind_delta``) that the browser searches
beside the full one, taking the changed pages' results from it alone.  When
those pages grow many, or a page left the site, the full index is made anew.

A build killed between writing pages and indexing them must not leave the
index stale for good (the next build writes no page: they are already as they
should be).  So the index is judged by the pages themselves: each index's
entry file carries the time its run started, and a page written after the
index that covers it is indexed again (``stale_pages``).  A page removed from
the site leaves a mark in the index folder (``mark_removed``) until a full
index replaces that folder.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

from ...parallel import child_setup

INDEX_DIR = "_pagefind"
DELTA_DIR = "_pagefind_delta"
#: the pages indexed in the delta index (site-relative), read by the theme's script
DELTA_PAGES = "pages.json"
#: beyond this many changed pages, a full index is cheaper than a growing delta
MAX_DELTA_PAGES = 24
#: parts of a page's article that are not worth finding: heading anchors, code outputs
IGNORED = (".headerlink", ".outputs", ".copy-button")


def pagefind_binary() -> Path | None:
    """The Pagefind executable from the ``pagefind`` Python packages, if installed.

    Asked of the binary packages themselves (extended first: it segments Chinese and
    Japanese), as ``pagefind.service`` does, without importing its asyncio client.
    """
    for package in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            path = importlib.import_module(package).get_executable()
        except (ImportError, FileNotFoundError, OSError, AttributeError):
            continue
        if path and Path(path).is_file():
            return Path(path)
    return None


#: in the full index's folder: a page left the site since that index was made
REMOVED_MARK = "divebook-removed"


def index_exists(site: Path) -> bool:
    return (site / INDEX_DIR / "pagefind-entry.json").is_file()


def mark_removed(site: Path) -> None:
    """Before a page is deleted: the next index must be a full one (made even if this build dies)."""
    if (site / INDEX_DIR).is_dir():
        (site / INDEX_DIR / REMOVED_MARK).write_bytes(b"")


def needs_full_index(site: Path) -> bool:
    return not index_exists(site) or (site / INDEX_DIR / REMOVED_MARK).exists()


def stale_pages(site: Path) -> set[str]:
    """Pages (site-relative) written after the index that covers them: what a killed build left."""
    try:
        full = (site / INDEX_DIR / "pagefind-entry.json").stat().st_mtime_ns
    except OSError:
        return set()
    try:
        delta = (site / DELTA_DIR / "pagefind-entry.json").stat().st_mtime_ns
        in_delta = set(_delta_pages(site))
    except OSError:
        delta, in_delta = 0, set()
    stale: set[str] = set()
    stack = [(site, "")]
    while stack:
        folder, rel = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith((".", "_pagefind")):
                continue
            name = f"{rel}{entry.name}"
            if entry.is_dir(follow_symlinks=False):
                stack.append((Path(entry.path), name + "/"))
            elif entry.name.endswith(".html"):
                covered = delta if name in in_delta else full
                try:
                    if entry.stat().st_mtime_ns > covered:
                        stale.add(name)
                except OSError:
                    continue
    return stale


class SearchIndexError(Exception):
    """Pagefind is missing or failed; the message says what to do."""


def index_site(site: Path, timeout: float = 600, nice: bool = False) -> str:
    """Index every page under ``site`` into ``site/_pagefind``; returns Pagefind's summary.

    ``nice`` lowers Pagefind's priority, for indexing in the background of a preview.
    """
    summary = _run_pagefind(site, INDEX_DIR, [], timeout, nice)
    shutil.rmtree(site / DELTA_DIR, ignore_errors=True)  # the full index has every change
    # An empty listing, so the browser's first search finds "no delta" rather than a 404.
    (site / DELTA_DIR).mkdir(exist_ok=True)
    (site / DELTA_DIR / DELTA_PAGES).write_text(json.dumps({"pages": []}), encoding="utf-8")
    return summary


def update_index(site: Path, changed: set[str] | None, timeout: float = 600, nice: bool = False) -> str:
    """Bring the search up to date after pages ``changed`` (site-relative; None: anything).

    Indexes the pages changed since the last full index into the delta
    index, or makes the full index anew when there is none, ``changed`` is
    None (a page was removed) or the changed pages are many.
    """
    if changed is None or needs_full_index(site):
        return index_site(site, timeout, nice)
    pages = sorted(p for p in set(_delta_pages(site)) | changed if _searchable(site / p))
    if not pages:
        return ""
    if len(pages) > MAX_DELTA_PAGES:
        return index_site(site, timeout, nice)
    glob = "{" + ",".join(pages) + "}" if len(pages) > 1 else pages[0]
    summary = _run_pagefind(site, DELTA_DIR, ["--glob", glob], timeout, nice,
                            extra={DELTA_PAGES: json.dumps({"pages": pages})})
    return summary


def _searchable(page: Path) -> bool:
    """Pages without ``data-pagefind-body`` (side-by-side views) stay out of search.

    The full index leaves them out by itself (other pages have a body); an index of a
    few pages must be told.
    """
    try:
        return b"data-pagefind-body" in page.read_bytes()
    except OSError:
        return False


def _delta_pages(site: Path) -> list[str]:
    try:
        return list(json.loads((site / DELTA_DIR / DELTA_PAGES).read_text())["pages"])
    except (OSError, ValueError, KeyError, TypeError):
        return []


def _run_pagefind(site: Path, folder: str, args: list[str], timeout: float, nice: bool,
                  extra: dict[str, str] | None = None) -> str:
    """Run Pagefind into ``site/folder`` (built aside, then swapped in)."""
    binary = pagefind_binary()
    if binary is None:
        raise SearchIndexError("the search index was not built: Pagefind is not installed "
                               "(pip install 'pagefind[extended]')")
    fresh = site / f".{folder}.new"
    shutil.rmtree(fresh, ignore_errors=True)
    started = time.time_ns()
    try:
        run = subprocess.run(
            [str(binary), "--site", str(site), "--output-path", str(fresh), "--quiet",
             "--keep-index-url", *args, *[a for sel in IGNORED for a in ("--exclude-selectors", sel)]],
            capture_output=True, text=True, timeout=timeout, check=False,
            preexec_fn=child_setup(10 if nice and hasattr(os, "nice") else 0))
    except (OSError, subprocess.TimeoutExpired) as exc:
        shutil.rmtree(fresh, ignore_errors=True)
        raise SearchIndexError(f"the search index was not built: Pagefind failed to run ({exc})") from None
    if run.returncode != 0 or not (fresh / "pagefind-entry.json").is_file():
        shutil.rmtree(fresh, ignore_errors=True)
        detail = (run.stderr or run.stdout).strip().splitlines()[-5:]
        raise SearchIndexError("the search index was not built: Pagefind exited with status "
                               f"{run.returncode}: {' / '.join(detail)}")
    for name, text in (extra or {}).items():
        (fresh / name).write_text(text, encoding="utf-8")
    # The index covers the pages as they were when Pagefind started: a page written later is stale.
    os.utime(fresh / "pagefind-entry.json", ns=(started, started))
    current, old = site / folder, site / f".{folder}.old"
    shutil.rmtree(old, ignore_errors=True)
    if current.exists():
        current.rename(old)
    fresh.rename(current)
    shutil.rmtree(old, ignore_errors=True)
    return (run.stdout or "").strip()
