"""The d2l-en website (built without running code) in Chromium.

The corpus is read where it lies and built into a temporary folder;
screenshots go to that folder's ``screenshots/`` and their paths are printed.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterator

import pytest

from divebook.cli import main
from divebook.writers.html.search import pagefind_binary
from tests.conftest import require
from tests.integration.browser_kit import NetworkLog, chromium, served, visible_math_sizes

pytestmark = [pytest.mark.browser, pytest.mark.corpus]


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import require_corpus

    corpus = require_corpus("d2l-en")
    require(pagefind_binary() is not None, "Pagefind (pip install 'pagefind[extended]')")
    out = tmp_path_factory.mktemp("d2l-site")
    status = main(["build", "html", "-C", str(corpus / "d2l-en"), "--out", str(out), "--no-eval", "-q"])
    assert status == 0
    return out


@pytest.fixture(scope="module")
def base(out: Path) -> Iterator[str]:
    with served(out / "html") as url:
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


class _Text(HTMLParser):
    """The words of a page's article (what search indexes)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.words: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "article" or self.depth:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.words += re.findall(r"[A-Za-z]{9,}", data)


def _rare_word(site: Path, page: str) -> str:
    """A long word of ``page``'s text that no other page of the site contains."""
    parser = _Text()
    parser.feed((site / page).read_text(encoding="utf-8"))
    others = " ".join(p.read_text(encoding="utf-8").lower() for p in site.rglob("*.html")
                      if p.relative_to(site).as_posix() != page)
    for word in sorted(set(parser.words), key=parser.words.index):
        if word.lower() not in others:
            return word
    raise AssertionError(f"no word of {page} is unique to it")


def _deep_page(out: Path) -> str:
    """The last page of the book's main part that is a section of a chapter (number x.y)."""
    report = json.loads((out / "report.json").read_text())
    sections = [p["output"] for p in report["pages"] if p["number"] and p["number"].count(".") == 1]
    return sections[-1]


def test_search_finds_a_word_from_a_deep_page_and_opens_it(context, base: str, out: Path) -> None:
    target = _deep_page(out)
    word = _rare_word(out / "html", target)
    page = context.new_page()
    page.goto(base + "chapter_preface/index.html")
    page.fill("#search-input", word)
    hit = page.wait_for_selector(".search-hit", timeout=20000)
    assert hit.get_attribute("href").endswith(target), (word, target)
    hit.click()
    page.wait_for_url("**/" + target + "*")
    assert word in page.inner_text("article")


def test_switching_a_tab_switches_it_on_the_next_page(context, base: str) -> None:
    page = context.new_page()
    page.goto(base + "chapter_linear-classification/softmax-regression-scratch.html")
    page.click('.tab[data-tab="jax"] >> nth=0')
    assert page.is_visible('.tabpanel[data-tab="jax"] >> nth=0')
    page.evaluate("document.activeElement.blur()")  # on a tab, arrows move between tabs
    page.keyboard.press("ArrowRight")  # the next page
    page.wait_for_url("**/softmax-regression-concise.html")
    assert page.get_attribute('.tab[data-tab="jax"] >> nth=0', "aria-selected") == "true"
    assert page.is_visible('.tabpanel[data-tab="jax"] >> nth=0')
    assert page.is_hidden('.tabpanel[data-tab="pytorch"] >> nth=0')


def test_dark_mode_toggles_and_persists(context, base: str) -> None:
    page = context.new_page()
    page.goto(base + "chapter_preliminaries/ndarray.html")
    page.click(".theme-toggle")
    page.goto(base + "chapter_preliminaries/pandas.html")
    assert page.get_attribute("html", "data-theme") == "dark"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgb(255, 255, 255)"


def test_copy_button_copies_the_cell_code(context, base: str) -> None:
    page = context.new_page()
    page.goto(base + "chapter_preliminaries/ndarray.html")
    cell = page.locator(".tabpanel:not([hidden]) .cell .input").first
    code = cell.locator("code").text_content()
    cell.hover()
    cell.locator(".copy-button").click()
    page.wait_for_timeout(200)
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == code.rstrip("\n") and copied.startswith(("import", "from", "%matplotlib"))


def test_mathml_renders_with_size(context, base: str) -> None:
    page = context.new_page()
    page.goto(base + "chapter_linear-regression/linear-regression.html")
    sizes = visible_math_sizes(page)
    assert len(sizes) > 50
    assert all(w > 0 and h > 0 for w, h in sizes)


@pytest.mark.parametrize("path", [
    "index.html", "chapter_preface/index.html",
    "chapter_attention-mechanisms-and-transformers/large-pretraining-transformers.html",
    "chapter_linear-regression/linear-regression.html",
    "chapter_hyperparameter-optimization/sh-async.html",
])
def test_a_page_load_stays_inside_the_site(context, base: str, path: str) -> None:
    page = context.new_page()
    log = NetworkLog(page, base)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base + path, wait_until="networkidle")
    assert log.outside() == []
    assert errors == []


def test_screenshots(browser, base: str, out: Path) -> None:
    folder = out / "screenshots"
    folder.mkdir(exist_ok=True)
    written = []
    for scheme in ("light", "dark"):
        for name, viewport in (("desktop", {"width": 1280, "height": 900}),
                               ("phone", {"width": 390, "height": 844})):
            ctx = browser.new_context(viewport=viewport, color_scheme=scheme, is_mobile=name == "phone")
            page = ctx.new_page()
            page.goto(base + "chapter_linear-classification/softmax-regression-concise.html")
            path = folder / f"d2l-chapter-{scheme}-{name}.png"
            page.screenshot(path=str(path))
            ctx.close()
            assert path.stat().st_size > 10_000
            written.append(path)
    print("\nscreenshots:\n  " + "\n  ".join(str(p) for p in written))
