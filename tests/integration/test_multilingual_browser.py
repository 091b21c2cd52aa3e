"""A translated book's website in a real browser (Chromium): switcher and search per language.

Search: Pagefind builds one index per language from each page's ``<html lang>``.
The website writer runs Pagefind over ``OUT/html`` and puts its UI in the
header; where a build has not run it (yet), this test runs Pagefind over the
built site itself, so that the per-language indexes are tested either way.
"""

from __future__ import annotations

import functools
import http.server
import textwrap
import threading

import pytest

from divebook.cli import main
from divebook.writers.html.search import pagefind_binary
from tests.conftest import require, require_tool
from tests.integration.test_multilingual import PAIRED

pytestmark = pytest.mark.browser

BOOK = dict(PAIRED)
BOOK["chapter/intro_origin.md"] = textwrap.dedent(PAIRED["chapter/intro_origin.md"]) + """
## Gradient Descent
:label:`sec_gd`

Gradient descent walks downhill step by step.
"""
BOOK["chapter/intro.md"] = textwrap.dedent(PAIRED["chapter/intro.md"]) + """
## 경사 하강법

경사 하강법은 한 걸음씩 내리막을 걷습니다.
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from tests.conftest import write_book

    require_tool("chromium")
    require(pagefind_binary() is not None, "Pagefind (pip install 'pagefind[extended]')")
    base = tmp_path_factory.mktemp("browser")
    book = write_book(base / "book", BOOK)
    out = base / "out"
    assert main(["build", "html", "--no-eval", "-C", str(book), "--out", str(out), "-q"]) == 0
    html = out / "html"
    assert (html / "_pagefind" / "pagefind.js").exists()  # the build's own search index
    handler = functools.partial(QuietHandler, directory=str(html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", html
    server.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # type: ignore[no-untyped-def]
        pass


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    require(sync_playwright is not None, "playwright (pip install playwright)")
    with sync_playwright() as p:  # type: ignore[misc]
        chromium = p.chromium.launch(executable_path=require_tool("chromium"), args=["--no-sandbox"])
        yield chromium
        chromium.close()


def test_the_switcher_keeps_the_page(site, browser):
    base, _ = site
    page = browser.new_page()
    page.goto(f"{base}/chapter/intro.html")
    assert page.get_attribute("html", "lang") == "ko"
    assert page.locator("article h1").inner_text().endswith("소개")
    page.click(".language-switch a[hreflang=en]")
    page.wait_for_url(f"{base}/en/chapter/intro.html")
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("article h1").inner_text().endswith("Introduction")
    # side by side, then back to Korean: still the same page
    page.click(".language-switch a.side-by-side-link")
    page.wait_for_url(f"{base}/bilingual/chapter/intro.html")
    assert page.locator(".bilingual-pair").count() >= 5
    first = page.locator(".bilingual-pair").first
    assert first.locator(".side.original").inner_text().strip().endswith("Introduction")
    assert first.locator(".side.translation").inner_text().strip().endswith("소개")
    page.click(".language-switch a[hreflang=ko]")
    page.wait_for_url(f"{base}/chapter/intro.html")
    # a labelled section keeps its place across languages
    page.goto(f"{base}/chapter/intro.html#sec_gd")
    page.click(".language-switch a[hreflang=en]")
    page.wait_for_url(f"{base}/en/chapter/intro.html#sec_gd")
    assert page.locator("#sec_gd").inner_text().startswith("1.2 Gradient Descent")
    page.close()


SEARCH = """async (word) => {
  const pagefind = await import(document.body.dataset.root + "_pagefind/pagefind.js");
  await pagefind.init();
  const found = await pagefind.search(word);
  const pages = await Promise.all(found.results.map(r => r.data()));
  return pages.map(p => p.url);
}"""


def test_search_in_the_korean_site_finds_a_korean_word(site, browser):
    base, _ = site
    page = browser.new_page()
    page.goto(f"{base}/chapter/intro.html")
    urls = page.evaluate(SEARCH, "내리막을")
    assert urls and all(not u.startswith(("/en/", "/bilingual/")) for u in urls)
    assert "/chapter/intro.html" in urls
    assert page.evaluate(SEARCH, "downhill") == []  # the English words are in the English index
    page.goto(f"{base}/en/chapter/intro.html")
    assert page.evaluate(SEARCH, "downhill") == ["/en/chapter/intro.html"]
    page.close()


def test_the_header_search_box_finds_a_korean_word(site, browser):
    """The Pagefind UI the website puts in the header (#search), on the Korean site."""
    base, _ = site
    page = browser.new_page()
    page.goto(f"{base}/chapter/intro.html")
    page.wait_for_load_state("networkidle")
    box = page.locator("#search input")
    assert box.count() > 0, "the header's search box is missing from the Korean site"
    box.first.fill("내리막을")
    result = page.locator("#search a[href*='chapter/intro']")
    result.first.wait_for(timeout=10_000)
    assert "/en/" not in (result.first.get_attribute("href") or "")
    page.close()
