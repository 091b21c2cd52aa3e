"""`make demo`'s decks: the starter's three marked sections, in both tabs and both languages,
showing the outputs and plots of the same run as the website (nothing runs twice)."""

from __future__ import annotations

import json
import re

import nbformat
import pytest

from tests.conftest import require_tool
from tests.integration.starter_build import build_starter

pytestmark = [pytest.mark.kernel, pytest.mark.tex]
PAGES = ("linear-regression-scratch", "linear-regression-concise", "softmax-regression")


@pytest.fixture(scope="module")
def built():
    require_tool("xelatex")
    status, out = build_starter()
    return status, out, json.loads((out / "report.json").read_text())


def test_every_marked_section_has_a_deck_per_tab_and_language(built):
    _, out, report = built
    assert report["slides"]["decks"] == 12
    for tab in ("pytorch", "mxnet"):
        for lang in ("", "en/"):
            for page in PAGES:
                deck = out / "slides" / tab / f"{lang}chapter_linear/{page}.html"
                assert deck.is_file(), deck
                rise = nbformat.read(deck.with_suffix(".ipynb"), as_version=4)
                nbformat.validate(rise)
                assert rise.cells[0].metadata["slideshow"]["slide_type"] == "slide"


def test_decks_show_the_outputs_and_plots_of_the_sites_run(built):
    _, out, report = built
    by_source = {p["source"]: p for p in report["pages"]}
    assert by_source["chapter_linear/linear-regression-scratch.md"]["tabs"]["pytorch"]["status"] in (
        "executed", "cached")
    for tab in ("pytorch", "mxnet"):
        deck = (out / "slides" / tab / "chapter_linear/linear-regression-scratch.html").read_text()
        # the scatter plot of the data slide and the training loop's printed losses
        assert deck.count('<div class="outputs">') >= 2
        assert "<svg" in deck.split('<div class="outputs">', 1)[1]
        printed = re.search(r"epoch 3, loss [0-9.]+", deck)
        assert printed is not None
        site = (out / "html" / "chapter_linear/linear-regression-scratch.html").read_text()
        assert printed.group(0) in site  # the same run: the same numbers
        rise = nbformat.read(out / "slides" / tab / "chapter_linear/linear-regression-scratch.ipynb",
                             as_version=4)
        assert any(c.cell_type == "code" and c.outputs for c in rise.cells)
    # the site links each page to its decks
    manifest = (out / "html/_downloads/downloads.js").read_text()
    for page in PAGES:
        assert f'"chapter_linear/{page}"' in manifest and f'"en/chapter_linear/{page}"' in manifest


@pytest.mark.browser
def test_the_data_slide_shows_the_plot_in_chromium(built):
    from tests.integration.browser_kit import chromium, served

    _, out, _ = built
    with chromium() as browser, served(out / "html") as base:
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        outside: list[str] = []
        page.on("request", lambda r: None if r.url.startswith((base, "data:", "blob:")) else outside.append(r.url))
        page.goto(base + "_downloads/slides/pytorch/chapter_linear/linear-regression-scratch.html")
        page.wait_for_function("window.Reveal && Reveal.isReady()")
        slide = page.evaluate("Reveal.getSlides().findIndex(s => s.querySelector('.outputs svg'))")
        assert slide >= 0
        page.evaluate(f"Reveal.slide({slide})")
        page.wait_for_function(f"Reveal.getState().indexh === {slide}")
        page.evaluate("Reveal.getCurrentSlide().querySelector('.outputs svg').scrollIntoView()")
        size = page.evaluate("(() => { const r = Reveal.getCurrentSlide().querySelector('.outputs svg')"
                             ".getBoundingClientRect(); return [r.width, r.height]; })()")
        assert size[0] > 100 and size[1] > 50
        assert outside == []
