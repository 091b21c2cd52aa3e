"""A search index is judged by the pages: those written after it, or a removed page, redo it."""

from __future__ import annotations

import json
import os
from pathlib import Path

from divebook.writers.html.search import (
    DELTA_DIR, DELTA_PAGES, INDEX_DIR, mark_removed, needs_full_index, stale_pages,
)


def _site(tmp_path: Path) -> Path:
    site = tmp_path / "html"
    (site / "chap").mkdir(parents=True)
    for name in ("index.html", "chap/a.html", "chap/b.html"):
        (site / name).write_text("<p>x</p>")
        os.utime(site / name, ns=(1_000, 1_000))
    (site / INDEX_DIR).mkdir()
    (site / INDEX_DIR / "pagefind-entry.json").write_text("{}")
    os.utime(site / INDEX_DIR / "pagefind-entry.json", ns=(2_000, 2_000))
    return site


def test_pages_written_after_the_index_are_stale(tmp_path: Path) -> None:
    site = _site(tmp_path)
    assert stale_pages(site) == set()
    os.utime(site / "chap/a.html", ns=(3_000, 3_000))  # written by a build killed before indexing
    assert stale_pages(site) == {"chap/a.html"}


def test_the_delta_index_covers_its_own_pages(tmp_path: Path) -> None:
    site = _site(tmp_path)
    for name in ("chap/a.html", "chap/b.html"):
        os.utime(site / name, ns=(3_000, 3_000))
    (site / DELTA_DIR).mkdir()
    (site / DELTA_DIR / DELTA_PAGES).write_text(json.dumps({"pages": ["chap/a.html"]}))
    (site / DELTA_DIR / "pagefind-entry.json").write_text("{}")
    os.utime(site / DELTA_DIR / "pagefind-entry.json", ns=(4_000, 4_000))
    assert stale_pages(site) == {"chap/b.html"}
    os.utime(site / "chap/a.html", ns=(5_000, 5_000))
    assert stale_pages(site) == {"chap/a.html", "chap/b.html"}


def test_a_removed_page_asks_for_a_full_index(tmp_path: Path) -> None:
    site = _site(tmp_path)
    assert not needs_full_index(site)
    mark_removed(site)
    assert needs_full_index(site)
    assert needs_full_index(tmp_path / "no-site")
