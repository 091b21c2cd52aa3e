"""The website in a real browser (Debian's Chromium through Playwright), on a test book.

The book is built once with ``divebook build html``; notebooks are put where
the notebooks target writes them and the build run again, which brings
them into the site.  Screenshots of a chapter page, light and dark, desktop
and phone, are written to the test book's ``_build/screenshots/``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import nbformat
import pytest

from divebook.cli import main
from divebook.writers.html.search import pagefind_binary
from tests.conftest import require
from tests.integration.browser_kit import (
    DEEP_WORD, TORCH_CELL, NetworkLog, chromium, make_test_book, served,
    visible_math_sizes,
)

pytestmark = pytest.mark.browser

PAGES = ["index.html", "chapter_basics/index.html", "chapter_basics/tabs.html", "chapter_basics/math.html",
         "chapter_deep/index.html", "chapter_deep/deeper.html", "chapter_deep/torch-only.html"]


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require(pagefind_binary() is not None, "Pagefind (pip install 'pagefind[extended]')")
    book = make_test_book(tmp_path_factory.mktemp("browser") / "book")
    # The code needs torch and mxnet, which the browser tests do not install: the pages
    # are built without running it, and the notebooks target writes the downloads.
    assert main(["build", "html", "notebooks", "--no-eval", "-C", str(book), "-q"]) == 0
    return book


@pytest.fixture(scope="module")
def base(book: Path) -> Iterator[str]:
    with served(book / "_build" / "html") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as b:
        yield b


@pytest.fixture
def context(browser, base: str):  # type: ignore[no-untyped-def]
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=base.rstrip("/"))
    yield ctx
    ctx.close()


def test_search_finds_a_word_from_a_deep_page_and_opens_it(context, base: str) -> None:
    page = context.new_page()
    page.goto(base + "chapter_basics/tabs.html")
    page.fill("#search-input", DEEP_WORD)
    hit = page.wait_for_selector(".search-hit", timeout=15000)
    assert "chapter_deep/deeper.html" in hit.get_attribute("href")
    assert DEEP_WORD in page.inner_text("#search-results")
    assert page.locator("#search-results mark").count() >= 1  # the matched passage, marked
    page.keyboard.press("Enter")
    page.wait_for_url("**/chapter_deep/deeper.html*")
    assert DEEP_WORD in page.inner_text("article")


def test_search_from_a_file_url_says_why_it_searches_titles(context, book: Path) -> None:
    page = context.new_page()
    page.goto((book / "_build" / "html" / "index.html").as_uri())
    page.fill("#search-input", "deep page")
    page.wait_for_selector(".search-hit", timeout=5000)
    assert "served over HTTP" in page.inner_text(".search-note")
    assert page.inner_text(".search-hit").strip().endswith("A Deep Page")


def test_tab_choice_follows_the_reader_to_the_next_page_and_visit(context, base: str) -> None:
    page = context.new_page()
    page.goto(base + "chapter_basics/tabs.html")
    assert page.is_visible('.tabpanel[data-tab="pytorch"]')
    page.click('.tab[data-tab="mxnet"]')
    assert page.is_visible('.tabpanel[data-tab="mxnet"]')
    assert page.is_hidden('.tabpanel[data-tab="pytorch"]')
    page.goto(base + "chapter_deep/deeper.html")
    assert page.is_visible('.tabpanel[data-tab="mxnet"]')
    assert page.get_attribute('.tab[data-tab="mxnet"]', "aria-selected") == "true"
    # a later visit (another page in the same browser) remembers it
    later = context.new_page()
    later.goto(base + "chapter_basics/tabs.html")
    assert later.is_visible('.tabpanel[data-tab="mxnet"]')
    # the page's own links follow the tab: Colab, notebook, discussion
    assert later.is_visible('.colab-link[data-tab="mxnet"]')
    assert later.is_hidden('.colab-link[data-tab="pytorch"]')
    assert "notebooks/mxnet/" in later.get_attribute(".downloads a.notebook", "href")
    assert later.get_attribute(".discuss:not([hidden]) a", "href").endswith("/t/102")
    # the URL can name a tab, and that choice is remembered too
    later.goto(base + "chapter_deep/deeper.html?tab=pytorch")
    assert later.is_visible('.tabpanel[data-tab="pytorch"]')
    later.goto(base + "chapter_basics/tabs.html")
    assert later.is_visible('.tabpanel[data-tab="pytorch"]')


def test_a_page_with_code_for_one_tab_says_so(context, base: str) -> None:
    page = context.new_page()
    page.goto(base + "chapter_basics/tabs.html?tab=mxnet")
    page.goto(base + "chapter_deep/torch-only.html")
    assert page.inner_text(".tab-note") == "This section has code for PyTorch only."
    assert page.locator('.tab[data-tab="mxnet"]').count() == 0
    panels = page.locator(".tabpanel")
    for i in range(panels.count()):  # every panel shown has code in it, none is empty
        assert panels.nth(i).is_visible() and panels.nth(i).inner_text().strip()


def test_dark_mode_toggles_and_persists(context, base: str) -> None:
    page = context.new_page()
    page.goto(base + "chapter_basics/math.html")
    light = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.click(".theme-toggle")
    assert page.get_attribute("html", "data-theme") == "dark"
    dark = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert dark != light
    code_bg = page.evaluate("getComputedStyle(document.querySelector('.cell pre') || document.body).backgroundColor")
    assert code_bg != "rgb(246, 248, 250)"  # the light code background is gone too
    page.goto(base + "chapter_basics/tabs.html")
    assert page.get_attribute("html", "data-theme") == "dark"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == dark
    assert page.get_attribute(".theme-toggle", "aria-pressed") == "true"
    page.emulate_media(media="print")  # paper stays white with dark-on-light code
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    keyword = page.evaluate("getComputedStyle(document.querySelector('.highlight .kn')).color")
    assert keyword == "rgb(0, 128, 0)"  # the light style's green, not the dark style's
    page.emulate_media(media="screen")
    page.click(".theme-toggle")
    page.reload()
    assert page.get_attribute("html", "data-theme") == "light"


def test_dark_mode_follows_the_system_until_the_reader_chooses(browser, base: str) -> None:
    ctx = browser.new_context(color_scheme="dark")
    page = ctx.new_page()
    page.goto(base + "chapter_basics/tabs.html")
    assert page.get_attribute("html", "data-theme") is None
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background != "rgb(255, 255, 255)"
    figure = page.goto(base + "chapter_basics/math.html") and page.evaluate(
        "getComputedStyle(document.querySelector('figure img')).backgroundColor")
    assert figure == "rgb(255, 255, 255)"  # a transparent SVG gets a light card to stay readable
    ctx.close()


def test_copy_button_copies_exactly_the_code(context, base: str) -> None:
    page = context.new_page()
    page.goto(base + "chapter_basics/tabs.html?tab=pytorch")
    cell = page.locator('.tabpanel[data-tab="pytorch"] .cell .input').first
    cell.hover()
    cell.locator(".copy-button").click()
    page.wait_for_function("document.querySelector('.copy-button').textContent === 'Copied'")
    assert page.evaluate("navigator.clipboard.readText()") == TORCH_CELL
    prompt_cell = page.locator(".cell.display .input").first
    prompt_cell.hover()
    prompt_cell.locator(".copy-button").click()
    page.wait_for_timeout(100)
    assert page.evaluate("navigator.clipboard.readText()") == "print(1 + 1)\nfor i in range(2):\n    print(i)"


def test_notebook_download_is_a_valid_notebook(context, base: str, book: Path) -> None:
    page = context.new_page()
    page.goto(base + "chapter_basics/tabs.html?tab=pytorch")
    link = page.locator(".downloads a.notebook")
    assert link.inner_text() == "Notebook (PyTorch)"
    href = link.get_attribute("href")
    assert href == "../_downloads/notebooks/pytorch/chapter_basics/tabs.ipynb"
    with page.expect_download() as info:
        link.click()
    path = info.value.path()
    nb = nbformat.read(str(path), as_version=4)
    nbformat.validate(nb)
    assert Path(path).read_bytes() == (book / "_build/notebooks/pytorch/chapter_basics/tabs.ipynb").read_bytes()
    zip_href = page.get_attribute(".downloads a.zip", "href")
    assert page.request.get(base + "chapter_basics/" + zip_href).body()[:2] == b"PK"
    # a page without code has no notebook: no link to one
    page.goto(base + "chapter_deep/index.html")
    assert page.locator(".downloads a.notebook").count() == 0
    assert page.locator(".downloads a.zip").count() == 1
    assert page.locator(".downloads a.pdf").count() == 0  # no PDF was built


def test_mathml_equations_have_size(context, base: str) -> None:
    page = context.new_page()
    page.goto(base + "chapter_basics/math.html")
    sizes = visible_math_sizes(page)
    # two inline formulas, one display; $L(w) = \sum_i (w x_i - y_i)^2$ may break
    # after = and - (writers/math/mathml_break.py), so it is three <math> pieces
    assert len(sizes) == 5
    assert all(w > 5 and h > 5 for w, h in sizes), sizes
    display = page.eval_on_selector(".math.display math", "e => e.getBoundingClientRect().height")
    assert display > 30  # a fraction is taller than a line of text


def test_no_page_load_leaves_the_site_or_misses_a_file(context, base: str) -> None:
    for path in PAGES:
        page = context.new_page()
        log = NetworkLog(page, base)
        failed: list[str] = []
        page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        page.on("requestfailed", lambda r: failed.append(f"failed {r.url}"))
        page.on("pageerror", lambda e: failed.append(f"script error {e}"))
        page.goto(base + path, wait_until="networkidle")
        assert log.outside() == [], path
        assert failed == [], path
        assert log.urls, path
        page.close()


def test_discussion_edit_link_and_print(context, base: str) -> None:
    page = context.new_page()
    page.goto(base + "chapter_basics/tabs.html?tab=pytorch")
    link = page.locator(".discuss:not([hidden]) a")
    assert link.inner_text() == "Discuss this section"
    assert link.get_attribute("href") == "https://discuss.example.org/t/101"
    assert page.is_hidden(".discuss:not([hidden]) .qr")  # the QR code is for paper
    page.click('.tab[data-tab="mxnet"]')
    assert page.get_attribute(".discuss:not([hidden]) a", "href") == "https://discuss.example.org/t/102"
    assert page.get_attribute(".edit-link", "href") == \
        "https://github.com/example/testbook/edit/main/chapter_basics/tabs.md"
    page.emulate_media(media="print")
    qr = page.locator(".discuss:not([hidden]) .qr svg")
    box = qr.bounding_box()
    assert box and box["width"] > 50 and box["height"] > 50
    assert page.is_visible(".discuss:not([hidden]) .discuss-url")
    assert page.is_hidden(".sidebar") and page.is_hidden(".topbar")


def test_keyboard_navigation_and_visible_focus(context, base: str) -> None:
    page = context.new_page()
    page.goto(base + "chapter_basics/tabs.html")
    page.keyboard.press("ArrowRight")
    page.wait_for_url("**/chapter_basics/math.html")
    page.keyboard.press("ArrowLeft")
    page.wait_for_url("**/chapter_basics/tabs.html")
    page.keyboard.press("Tab")  # the skip link comes first and shows itself when focused
    assert page.evaluate("document.activeElement.className") == "skip-link"
    box = page.locator(".skip-link").bounding_box()
    assert box and box["x"] >= 0
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "search-input"


def test_phone_width_has_no_sideways_scroll_and_a_menu(browser, base: str) -> None:
    ctx = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    for path in ["chapter_basics/tabs.html", "chapter_basics/math.html", "chapter_deep/deeper.html"]:
        page.goto(base + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (path, overflow)
    assert page.is_hidden(".sidebar")
    page.click(".menu-button")
    page.wait_for_timeout(300)
    assert page.is_visible(".sidebar")
    page.click(".menu-button")
    page.click(".search-toggle")
    assert page.is_visible("#search-input")
    ctx.close()


def test_the_header_links_are_in_the_menu_on_a_phone(browser, base: str) -> None:  # type: ignore[no-untyped-def]
    """A phone's header has no room for GitHub or the forum: the menu ends with them
    (they were hidden and nowhere else), and a wide window shows them only in the header."""
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    page.goto(base + "chapter_basics/tabs.html")
    assert page.is_hidden(".header-links")
    page.click(".menu-button")
    page.wait_for_timeout(300)
    link = page.locator(".sidebar .sidebar-links a", has_text="GitHub")
    link.scroll_into_view_if_needed()
    assert link.is_visible() and link.get_attribute("href") == "https://github.com/example/testbook"
    assert page.locator(".sidebar a[aria-current=page]").count() == 1  # the contents are still there
    ctx.close()
    ctx = browser.new_context(viewport={"width": 1366, "height": 900})
    page = ctx.new_page()
    page.goto(base + "chapter_basics/tabs.html")
    assert page.is_visible(".header-links") and page.is_hidden(".sidebar-links")
    ctx.close()


def test_screenshots_light_dark_desktop_phone(browser, base: str, book: Path) -> None:
    folder = book / "_build" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for scheme in ("light", "dark"):
        for name, viewport in (("desktop", {"width": 1280, "height": 900}),
                               ("phone", {"width": 390, "height": 844})):
            ctx = browser.new_context(viewport=viewport, color_scheme=scheme,
                                      is_mobile=name == "phone", device_scale_factor=1)
            page = ctx.new_page()
            page.goto(base + "chapter_basics/tabs.html")
            path = folder / f"chapter-{scheme}-{name}.png"
            page.screenshot(path=str(path), full_page=True)
            ctx.close()
            assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
            written.append(path)
    print("\nscreenshots:\n  " + "\n  ".join(str(p) for p in written))


def test_report_lists_the_downloads(book: Path) -> None:
    """The build that brought the notebooks in (the second) says so in report.json."""
    report = json.loads((book / "_build" / "report.json").read_text())
    assert report["errors"] == []
    assert "_downloads/notebooks/pytorch/chapter_basics/tabs.ipynb" in report["outputs"]["html"]
    assert "colab/mxnet/chapter_basics/tabs.ipynb" in report["outputs"]["colab"]


def test_long_outputs_are_collapsed_with_a_toggle(browser, tmp_path: Path) -> None:
    """Outputs attached to the cells as the executor attaches them, then the site written."""
    from divebook.context import BuildOptions
    from divebook.build import prepare, read_stage, transform_stage
    from divebook.tree import CodeCell, Output, walk_blocks
    from divebook.writers.html import write_html_target

    book = make_test_book(tmp_path / "book")
    ctx = prepare(BuildOptions(book=book, evaluate=False))
    read_stage(ctx)
    cells = [b for b in walk_blocks(ctx.book.pages["chapter_basics/tabs.md"].blocks)
             if isinstance(b, CodeCell) and b.executable]
    long_text = "\n".join(f"line {i}" for i in range(200))
    cells[0].outputs = [Output(kind="stream", name="stdout", text=long_text + "\n")]
    cells[1].outputs = [Output(kind="execute_result", data={"text/plain": "array(66.)"})]
    transform_stage(ctx)
    write_html_target(ctx)
    with served(book / "_build" / "html") as base:
        ctx_b = browser.new_context(viewport={"width": 1280, "height": 900})
        page = ctx_b.new_page()
        page.goto(base + "chapter_basics/tabs.html?tab=pytorch")
        long_box = page.locator('.tabpanel[data-tab="pytorch"] .outputs')
        assert "collapsed" in long_box.get_attribute("class")
        height = long_box.bounding_box()["height"]
        assert 100 < height < 500  # a screenful, not 200 lines
        assert long_box.text_content().count("line ") == 200  # nothing cut off, only folded
        toggle = page.locator('.tabpanel[data-tab="pytorch"] .output-toggle')
        assert toggle.inner_text() == "Show all output"
        toggle.click()
        assert "collapsed" not in long_box.get_attribute("class")
        assert long_box.bounding_box()["height"] > 2000
        assert toggle.get_attribute("aria-expanded") == "true"
        toggle.click()
        page.emulate_media(media="print")  # paper shows everything
        assert long_box.bounding_box()["height"] > 2000
        page.emulate_media(media="screen")
        page.click('.tab[data-tab="mxnet"]')
        short_box = page.locator('.tabpanel[data-tab="mxnet"] .outputs')
        assert "collapsed" not in short_box.get_attribute("class")
        assert page.locator('.tabpanel[data-tab="mxnet"] .output-toggle').count() == 0
        ctx_b.close()
