"""Every page of d2l-en and of the starter book in Chromium: title in view, no error, search.

Slow (a few minutes): each page is loaded at two desktop sizes, and searched
once at the first.  Run this file on its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from divebook.cli import main
from divebook.writers.html.search import pagefind_binary
from tests.conftest import CORPUS, require, require_corpus
from tests.integration.browser_kit import chromium, served

pytestmark = [pytest.mark.browser, pytest.mark.corpus]

STARTER = Path(__file__).resolve().parents[2] / "starter"
SIZES = [(1366, 900), (1920, 1080)]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as b:
        yield b


def _build(book: Path, out: Path) -> Path:
    require(pagefind_binary() is not None, "Pagefind (pip install 'pagefind[extended]')")
    assert main(["build", "html", "--no-eval", "-C", str(book), "--out", str(out), "-q"]) == 0
    return out / "html"


def _missing_in_book(book: Path, base: str, url: str) -> bool:
    """A request for a file the book's sources lack too (d2l-en misses five images)."""
    rel = url[len(base):].split("?")[0].split("#")[0] if url.startswith(base) else ""
    return bool(rel) and rel.startswith("img/") and not (book / rel).exists()


def _pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if not p.relative_to(site).as_posix().startswith("_"))


def _check_site(browser, site: Path, query: str, book: Path) -> None:  # type: ignore[no-untyped-def]
    """Every page at each size: title in view, no console error, no failed request (but for a
    file the book itself lacks, which its build reported), and a search that answers."""
    pages = _pages(site)
    assert pages
    hidden: list[str] = []
    problems: list[str] = []
    unsearched: list[str] = []
    with served(site) as base:
        for width, height in SIZES:
            ctx = browser.new_context(viewport={"width": width, "height": height})
            page = ctx.new_page()
            where = [""]
            page.on("console", lambda m: problems.append(f"{where[0]}: {m.text}")
                    if m.type == "error" and "404" not in m.text else None)  # 404s: see responses
            page.on("pageerror", lambda e: problems.append(f"{where[0]}: {e}"))
            # a request the next page's load cut short (a lazy image still loading) is no failure;
            # a missing file is a 404 response, caught below
            page.on("requestfailed", lambda r: problems.append(f"{where[0]}: failed {r.url} ({r.failure})")
                    if r.failure != "net::ERR_ABORTED" else None)
            page.on("response", lambda r: problems.append(f"{where[0]}: {r.status} {r.url}")
                    if r.status >= 400 and not _missing_in_book(book, base, r.url) else None)
            for path in pages:
                where[0] = f"{path} at {width}x{height}"
                page.goto(base + path, wait_until="load")
                page.wait_for_timeout(50)
                top = page.evaluate("""() => {
                    const h = document.querySelector('article h1');
                    return h ? [window.scrollY, h.getBoundingClientRect().top, h.getBoundingClientRect().bottom]
                             : [window.scrollY, 0, 0]; }""")
                if top[0] != 0 or top[1] < 0 or top[2] > height:
                    hidden.append(f"{where[0]}: scrolled {top[0]} px, title at {top[1]:.0f}")
                if width == SIZES[0][0]:
                    page.fill("#search-input", query)
                    try:
                        page.wait_for_selector(".search-result, .search-empty", timeout=15000)
                    except Exception:  # noqa: BLE001 - a page whose search never answers
                        unsearched.append(path)
            ctx.close()
    assert hidden == []
    assert problems == []
    assert unsearched == []


@pytest.fixture(scope="module")
def d2l_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_corpus("d2l-en")
    return _build(CORPUS / "d2l-en", tmp_path_factory.mktemp("d2l") / "out")


def test_every_d2l_en_page(browser, d2l_site: Path) -> None:  # type: ignore[no-untyped-def]
    _check_site(browser, d2l_site, "softmax", CORPUS / "d2l-en")


def test_every_starter_page(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _check_site(browser, _build(STARTER, tmp_path / "out"), "softmax", STARTER)


def test_softmax_search_on_d2l_en_shows_every_result(browser, d2l_site: Path) -> None:  # type: ignore[no-untyped-def]
    with served(d2l_site) as base:
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(base + "index.html", wait_until="networkidle")
        page.fill("#search-input", "softmax")
        page.wait_for_selector(".search-total", timeout=15000)
        total = int(page.inner_text(".search-total").split(" of ")[1].split()[0])
        assert total > 10
        while page.is_visible(".search-more"):
            page.click(".search-more")
            page.wait_for_function("!document.querySelector('.search-more').disabled", timeout=15000)
        assert page.locator(".search-result").count() == total
        assert page.inner_text(".search-total").startswith(f"{total} of {total}")
        page.close()
