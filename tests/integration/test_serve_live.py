"""``divebook serve`` in a browser: an edit reloads the page, a broken edit shows its error.

The preview runs in this process (``Preview``) on a free port of 127.0.0.1,
on a copy of the book, so the test may edit it.
"""

from __future__ import annotations

import shutil
import json
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from divebook.serve import Preview
from tests.integration.browser_kit import chromium, make_test_book

pytestmark = pytest.mark.browser


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[Preview]:
    book = make_test_book(tmp_path / "book")
    live = Preview(book, port=0, evaluate=False)
    live.start()
    try:
        yield live
    finally:
        live.stop()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_serve_reloads_after_an_edit_and_shows_a_broken_edit(preview: Preview) -> None:
    page_md = preview.book / "chapter_basics" / "tabs.md"
    with chromium() as browser:
        page = browser.new_page()
        page.goto(preview.url + "chapter_basics/tabs.html")
        page.wait_for_function("() => window.EventSource && document.querySelector('script[src=\"/_divebook/live.js\"]')")
        page.wait_for_timeout(300)  # the event stream is open
        page.evaluate("window.beforeEdit = true")

        start = time.perf_counter()
        edit(page_md, "Every cell below exists once per framework.",
             "Every cell below exists once per framework, edited while served.")
        page.wait_for_function("() => !!document.body && document.body.innerText.includes('edited while served')", timeout=20000)
        print(f"\nedit to reloaded page: {time.perf_counter() - start:.3f} s (test book)")
        assert page.evaluate("window.beforeEdit") is None  # the page was reloaded, not patched
        assert page.locator("#divebook-build-errors").count() == 0

        # A mistake in the book: the page shows it, the server keeps serving.
        edit(page_md, "Sum the rows instead.", "Sum the rows instead of $\\frac{a$.")
        page.wait_for_selector("#divebook-build-errors", timeout=20000)
        message = page.inner_text("#divebook-build-errors")
        assert "chapter_basics/tabs.md" in message and "math" in message

        # A configuration that cannot be read: the build fails, the error shows, no reload.
        config = preview.book / "config.ini"
        good = config.read_text()
        page.evaluate("window.beforeBrokenConfig = true")
        config.write_text("[project\nname = broken\n")
        page.wait_for_function("() => (document.querySelector('#divebook-build-errors') || {}).innerText"
                               "?.includes('config.ini')", timeout=20000)
        assert page.evaluate("window.beforeBrokenConfig") is True
        with urllib.request.urlopen(preview.url + "index.html") as response:
            assert response.status == 200  # still serving the last good site

        # Mended: the page reloads and the errors are gone.
        config.write_text(good)
        edit(page_md, "$\\frac{a$", "$\\frac{a}{b}$")
        page.wait_for_function("() => !window.beforeBrokenConfig && !document.querySelector('#divebook-build-errors')",
                               timeout=20000)
        assert page.locator("math").count() >= 1


def test_serve_keeps_the_search_index_up_to_date(preview: Preview) -> None:
    from divebook.writers.html.search import pagefind_binary
    from tests.conftest import require

    require(pagefind_binary() is not None, "Pagefind (pip install 'pagefind[extended]')")
    entry = preview.site / "_pagefind" / "pagefind-entry.json"
    deadline = time.time() + 30
    while not entry.exists() and time.time() < deadline:
        time.sleep(0.1)
    assert entry.exists()
    before = entry.read_text()
    edit(preview.book / "chapter_deep" / "deeper.md", "Some background.", "Some background about wombats.")
    # the edited page goes into the small second index; the full one stays as it was
    delta = preview.site / "_pagefind_delta" / "pages.json"

    def listed() -> list[str]:  # after a full index the listing is there, empty (no 404 in the browser)
        try:
            return json.loads(delta.read_text())["pages"]
        except (OSError, ValueError):
            return []

    while not listed() and time.time() < deadline + 30:
        time.sleep(0.1)
    assert json.loads(delta.read_text())["pages"] == ["chapter_deep/deeper.html"]
    assert entry.read_text() == before


def test_serve_on_the_d2l_corpus_edit_shows_quickly(corpus: Path, tmp_path: Path) -> None:
    """One paragraph edited in the real book: how long until the browser shows it (printed)."""
    book = tmp_path / "d2l-en"
    shutil.copytree(corpus / "d2l-en", book)
    page_md = book / "chapter_linear-classification" / "softmax-regression-concise.md"
    live = Preview(book, out=tmp_path / "out", port=0, evaluate=False)
    live.start()
    try:
        with chromium() as browser:
            page = browser.new_page()
            page.goto(live.url + "chapter_linear-classification/softmax-regression-concise.html")
            page.wait_for_timeout(500)
            times = []
            for i in range(3):
                marker = f"Edited paragraph {i} for the timing."
                text = page_md.read_text(encoding="utf-8")
                old = "they are similarly convenient here." if i == 0 else f"Edited paragraph {i - 1} for the timing."
                start = time.perf_counter()
                page_md.write_text(text.replace(old, marker if i else old + " " + marker, 1), encoding="utf-8")
                page.wait_for_function("m => !!document.body && document.body.innerText.includes(m)", arg=marker, timeout=30000)
                times.append(time.perf_counter() - start)
                page.wait_for_timeout(3000)  # an author's pause; the search index catches up
            print("\nd2l-en, edit to reloaded page (s): " + ", ".join(f"{t:.3f}" for t in times)
                  + f"; rebuild {live.state.seconds:.3f} s")
            assert live.state.ok and not live.state.errors
    finally:
        live.stop()
