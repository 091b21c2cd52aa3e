"""After an edit, search sees the new text at once, without a full re-index.

The pages changed since the full index go into a small second index; the
browser searches both and takes the edited pages' results from the new one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from divebook.cli import main
from divebook.writers.html.search import DELTA_DIR, INDEX_DIR, MAX_DELTA_PAGES, pagefind_binary
from tests.conftest import require
from tests.integration.browser_kit import DEEP_WORD, chromium, make_test_book, served

pytestmark = pytest.mark.browser
PAGE = "chapter_deep/deeper"


def _search(browser, base: str, query: str) -> list[str]:
    page = browser.new_page()
    page.goto(base + "index.html")
    page.fill("#search-input", query)
    page.wait_for_selector(".search-result, .search-empty", timeout=15000)
    hits = [a.get_attribute("href") for a in page.query_selector_all(".search-result > a.search-hit:not(.sub)")]
    page.close()
    return hits


def test_an_edit_is_searchable_through_the_delta_index(tmp_path: Path) -> None:
    require(pagefind_binary() is not None, "Pagefind (pip install 'pagefind[extended]')")
    book = make_test_book(tmp_path / "book")
    site = book / "_build" / "html"
    args = ["build", "html", "--no-eval", "-C", str(book), "-q"]
    assert main(args) == 0
    entry = (site / INDEX_DIR / "pagefind-entry.json").read_text()
    source = book / f"{PAGE}.md"
    source.write_text(source.read_text().replace(DEEP_WORD, "wombatology"))
    assert main(args) == 0
    # the full index is untouched; the edited page is in the delta index
    assert (site / INDEX_DIR / "pagefind-entry.json").read_text() == entry
    listing = json.loads((site / DELTA_DIR / "pages.json").read_text())
    assert listing["pages"] == [f"{PAGE}.html"]
    with served(site) as base, chromium() as browser:
        assert f"{PAGE}.html" in _search(browser, base, "wombatology")
        assert f"{PAGE}.html" not in _search(browser, base, DEEP_WORD)  # the old text is gone


def test_many_changed_pages_or_a_removed_page_make_a_full_index(tmp_path: Path) -> None:
    require(pagefind_binary() is not None, "Pagefind (pip install 'pagefind[extended]')")
    from divebook.writers.html.search import update_index

    site = tmp_path / "html"
    pages = [f"p{i}.html" for i in range(MAX_DELTA_PAGES + 2)]
    for name in pages:
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(f'<html lang="en"><body><article data-pagefind-body><p>{name}</p>'
                                 "</article></body></html>")
    update_index(site, set())  # no index yet: a full one
    assert _no_delta(site)
    update_index(site, set(pages[:2]))
    assert json.loads((site / DELTA_DIR / "pages.json").read_text())["pages"] == pages[:2]
    update_index(site, set(pages))  # too many: the full index is made anew
    assert _no_delta(site)
    update_index(site, {pages[0]})
    update_index(site, None)  # a page left the site
    assert _no_delta(site)


def _no_delta(site: Path) -> bool:
    """After a full index the delta folder holds only an empty listing (no 404 for the browser)."""
    return ([p.name for p in (site / DELTA_DIR).iterdir()] == ["pages.json"]
            and json.loads((site / DELTA_DIR / "pages.json").read_text()) == {"pages": []})
