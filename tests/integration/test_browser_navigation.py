"""Reading a site with the keyboard and the contents lists (Chromium through Playwright).

A small book written here: a chapter long enough to scroll, with a code line
wider than the page and many sections; and enough pages that mention one
word for search to have more than one screen of results.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from divebook.cli import main
from divebook.writers.html.search import pagefind_binary
from tests.conftest import require, write_book
from tests.integration.browser_kit import chromium, served

pytestmark = pytest.mark.browser

WORD = "wallabyology"
PAGES = 23  # more than two screens of ten results

SECTIONS = "\n".join(
    f"## Section {i}\n\n" + "\n\n".join(f"Paragraph {j} of section {i}, long enough to fill some of the line."
                                          for j in range(8)) + "\n"
    for i in range(1, 7))

BOOK = {
    "config.ini": """
        [project]
        name = navbook
        title = Navigation Book
        """,
    "index.md": "# Navigation Book\n\n```toc\n:maxdepth: 2\n\nchapter/index\n```\n",
    "chapter/index.md": "# Chapter\n\n```toc\n:maxdepth: 1\n\nlong\n"
                        + "".join(f"p{i}\n" for i in range(PAGES)) + "```\n",
    "chapter/long.md": "# A Long Page\n\nIntro.\n\n```python\nx = ["
                       + ", ".join(str(i) for i in range(300)) + "]\n```\n\n" + SECTIONS,
    **{f"chapter/p{i}.md": f"# Page {i}\n\nThe word {WORD} appears here, {i} time(s): "
                           + " ".join([WORD] * (i + 1)) + ".\n" for i in range(PAGES)},
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require(pagefind_binary() is not None, "Pagefind (pip install 'pagefind[extended]')")
    book = write_book(tmp_path_factory.mktemp("nav") / "book", BOOK)
    assert main(["build", "html", "--no-eval", "-C", str(book), "-q"]) == 0
    return book / "_build" / "html"


@pytest.fixture(scope="module")
def base(site: Path) -> Iterator[str]:
    with served(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser, base: str):  # type: ignore[no-untyped-def]
    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, color_scheme="light")
    p = ctx.new_page()
    problems: list[str] = []
    p.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    p.on("pageerror", lambda e: problems.append(str(e)))
    p.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    p.on("response", lambda r: problems.append(f"{r.status}: {r.url}") if r.status >= 400 else None)
    p.problems = problems
    yield p
    ctx.close()


def test_a_deep_page_opens_with_its_title_in_view(page, base: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base + f"chapter/p{PAGES - 1}.html", wait_until="networkidle")
    assert page.evaluate("window.scrollY") == 0
    top = page.eval_on_selector("h1", "h => h.getBoundingClientRect().top")
    assert 0 <= top < 900
    # the sidebar itself shows the current page
    assert page.eval_on_selector(".sidebar a[aria-current=page]", """a => {
        const r = a.getBoundingClientRect(), s = a.closest('.sidebar').getBoundingClientRect();
        return r.top >= s.top && r.bottom <= s.bottom; }""")
    assert page.problems == []


def test_arrow_keys_scroll_a_code_block_and_turn_the_page_only_from_the_page(page, base: str) -> None:  # type: ignore[no-untyped-def]
    url = base + "chapter/long.html"
    page.goto(url, wait_until="networkidle")
    pre = page.locator("article pre").first
    assert pre.evaluate("p => p.scrollWidth > p.clientWidth")
    pre.click()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    page.wait_for_timeout(300)
    assert pre.evaluate("p => p.scrollLeft") > 0  # the block scrolled
    assert page.url == url  # and the page stayed
    # selected text: no page turn either
    page.evaluate("document.activeElement.blur(); getSelection().selectAllChildren(document.querySelector('article p'))")
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(300)
    assert page.url == url
    # focus on the page itself, nothing selected: → turns the page
    page.evaluate("getSelection().removeAllRanges()")
    page.mouse.click(700, 880)  # on the page's margin, not in the code block
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("ArrowRight")
    page.wait_for_url("**/chapter/p0.html")
    # the help says the rule
    page.keyboard.press("?")
    assert "no text is selected" in page.inner_text("dialog.key-help")


def test_contents_list_follows_the_section_in_view(page, base: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base + "chapter/long.html", wait_until="networkidle")
    page.evaluate("document.getElementById('section-4').scrollIntoView({block: 'start'})")
    page.wait_for_function(
        "document.querySelector('.localtoc a.active') && "
        "document.querySelector('.localtoc a.active').textContent.includes('Section 4')", timeout=3000)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_function(
        "document.querySelector('.localtoc a.active').textContent.includes('Section 6')", timeout=3000)
    assert page.locator(".localtoc a.active").count() == 1


def test_contents_list_follows_a_jump_past_several_sections(page, base: str) -> None:  # type: ignore[no-untyped-def]
    """One scroll that carries three headings past the line between two frames (End,
    Page Down, a fling): the list marks the section read, not the first one."""
    page.goto(base + "chapter/long.html", wait_until="networkidle")
    page.evaluate("""() => { const h = document.getElementById('section-3');
                             window.scrollTo(0, h.getBoundingClientRect().top + window.scrollY + 60); }""")
    page.wait_for_function(
        "document.querySelector('.localtoc a.active').textContent.includes('Section 3')", timeout=3000)
    assert page.locator(".localtoc a.active").count() == 1


def test_the_key_help_fits_a_phone_and_its_button_is_the_sites(browser, base: str) -> None:  # type: ignore[no-untyped-def]
    """On a phone the help keeps a margin from the screen's edges; its Close button is
    drawn by the site, not the browser's grey default (unreadable in dark mode)."""
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme="dark")
    page = ctx.new_page()
    page.goto(base + "chapter/long.html", wait_until="networkidle")
    page.keyboard.press("?")
    box = page.locator("dialog.key-help").bounding_box()
    assert box is not None and box["x"] >= 8 and box["x"] + box["width"] <= 390 - 8
    colours = page.eval_on_selector(".key-help-close", """b => {
        const s = getComputedStyle(b), d = getComputedStyle(b.closest('dialog'));
        return [s.color, d.color, s.backgroundColor]; }""")
    assert colours[0] == colours[1]  # the dialog's text colour, readable on its background
    assert colours[2] not in ("rgb(239, 239, 239)", "rgb(107, 107, 107)")  # Chromium's ButtonFace
    ctx.close()


def test_search_shows_a_total_and_every_result(page, base: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base + "index.html", wait_until="networkidle")
    page.fill("#search-input", WORD)
    page.wait_for_selector(".search-total", timeout=15000)
    assert page.locator(".search-result").count() == 10
    assert f"10 of {PAGES} results" in page.inner_text(".search-total")
    while page.is_visible(".search-more"):
        page.click(".search-more")
        page.wait_for_timeout(300)
    assert page.locator(".search-result").count() == PAGES
    assert f"{PAGES} of {PAGES}" in page.inner_text(".search-total")
    hrefs = page.eval_on_selector_all(".search-result > a", "els => els.map(a => a.getAttribute('href'))")
    assert len(set(hrefs)) == PAGES
    assert page.problems == []  # no 404 for a delta index that is not there


def test_sidebar_comes_from_the_shared_toc_and_works_without_scripts(browser, base: str, site: Path) -> None:  # type: ignore[no-untyped-def]
    page_html = (site / "chapter" / "p3.html").read_text(encoding="utf-8")
    assert '<script src="../_toc.js"></script>' in page_html
    for scripts in (True, False):
        ctx = browser.new_context(java_script_enabled=scripts)
        page = ctx.new_page()
        page.goto(base + "chapter/p3.html", wait_until="load")
        links = page.eval_on_selector_all(".sidebar a", "els => els.map(a => a.textContent)")
        current = page.eval_on_selector_all(".sidebar a[aria-current=page]", "els => els.map(a => a.textContent)")
        assert current == ["Page 3"]
        assert "Chapter" in links and "A Long Page" in links and f"Page {PAGES - 1}" in links
        ctx.close()
    # the script's list is the one shown: remove the page's own list and build it again
    page = browser.new_page()
    page.goto(base + "chapter/p3.html", wait_until="load")
    page.evaluate("document.getElementById('sidebar').textContent = ''")
    page.add_script_tag(url=base + "_static/divebook.js")
    assert page.locator(".sidebar a[aria-current=page]").count() == 1
    page.close()
