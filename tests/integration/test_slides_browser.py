"""Decks in Chromium: from file:// and from divebook's server, keys, math, plots, the speaker
view, the print layout (one PDF page per slide) and no request leaving the machine.

Two books: the starter (its decks in both tabs and languages, built without running code)
and a small lecture whose code runs in divebook's own kernel and draws a plot.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import nbformat
import pytest

from divebook.cli import main
from tests.conftest import require_tool, write_book
from tests.integration.browser_kit import NetworkLog, chromium, served
from tests.integration.starter_build import STARTER

pytestmark = [pytest.mark.browser, pytest.mark.kernel]

PLOT = ("<svg xmlns='http://www.w3.org/2000/svg' width='300' height='200' class='plot'>"
        "<polyline points='0,200 100,120 200,60 300,10' fill='none' stroke='black'/></svg>")

LECTURE = {
    "config.ini": """
        [project]
        name = lecture
        title = A Lecture

        [slides]
        top_right = <img height=60px src='img/logo.svg'/>
        """,
    "index.md": """
        # A Lecture

        ```toc
        talk
        ```
        """,
    "talk.md": f"""
        # Growth

        [**Things grow.**] Prose the slides leave out.

        ```{{.python .input}}
        xs = [0, 1, 2, 3]  # inputs
        ```

        [**the loss is $$L = \\frac{{1}}{{n}} \\sum_i (y_i - \\hat{{y}}_i)^2.$$**]

        ```{{.python .input}}
        from IPython.display import SVG, display
        display(SVG("{PLOT}"))
        ```

        [**a third slide**] (**with a second line**)

        ```{{.python .input}}
        print(sum(xs))
        ```
        """,
    "img/logo.svg": "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>",
}


@pytest.fixture(scope="module")
def lecture(tmp_path_factory) -> Path:
    """The lecture built with its code run: OUT."""
    book = write_book(tmp_path_factory.mktemp("lecture") / "book", LECTURE)
    out = book.parent / "out"
    assert main(["build", "html", "slides", "-C", str(book), "--out", str(out), "-q"]) == 0
    return out


@pytest.fixture(scope="module")
def starter(tmp_path_factory) -> Path:
    """The starter book's site and decks (code not run: the decks' text, math and code)."""
    out = tmp_path_factory.mktemp("starter-slides")
    assert main(["build", "html", "slides", "--no-eval", "-C", str(STARTER), "--out", str(out), "-q"]) == 0
    return out


def _slide_count(out: Path, rel: str) -> int:
    from divebook.writers.slides.cutting import slides_of

    return len(slides_of(nbformat.read(out / "slides" / rel.replace(".html", ".ipynb"), as_version=4)))


def _open(browser, url: str):  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    log = NetworkLog(page, url.rsplit("/_downloads/", 1)[0] + "/" if "/_downloads/" in url
                     else url.rsplit("/slides/", 1)[0] + "/")
    page.goto(url)
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    return page, errors, log


def _walk(page, total: int) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("Reveal.getTotalSlides()") == total
    for i in range(1, total):
        page.keyboard.press("ArrowRight")
        page.wait_for_function(f"Reveal.getState().indexh === {i}")
    page.keyboard.press("ArrowRight")  # past the end: stays on the last slide
    assert page.evaluate("Reveal.getState().indexh") == total - 1
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(f"Reveal.getState().indexh === {total - 2}")
    page.keyboard.press("Home")
    page.wait_for_function("Reveal.getState().indexh === 0")
    assert page.inner_text(".slide-number").strip().startswith("1")


#: a finger on the deck: reveal.js reads touch through pointer events where the browser has them
_SWIPE = """dx => {
  const el = document.querySelector('.reveal');
  const fire = (type, x) => el.dispatchEvent(new PointerEvent(type, {bubbles: true, cancelable: true,
      pointerType: 'touch', isPrimary: true, pointerId: 1, clientX: x, clientY: 300}));
  fire('pointerdown', 640); fire('pointermove', 640 + dx); fire('pointerup', 640 + dx);
}"""


def _swipe(page, dx: int) -> None:  # type: ignore[no-untyped-def]
    """A finger moving ``dx`` pixels across the deck (negative: to the left, the next slide)."""
    page.evaluate(_SWIPE, dx)


def _visible_in_current(page, selector: str) -> list[tuple[float, float]]:  # type: ignore[no-untyped-def]
    return page.evaluate(
        "sel => Array.from(Reveal.getCurrentSlide().querySelectorAll(sel)).map(e => {"
        " const r = e.getBoundingClientRect(); return [r.width, r.height]; })", selector)


def _pdf_pages(page, url: str, path: Path) -> int:  # type: ignore[no-untyped-def]
    """Reveal's print layout printed by Chromium: the number of pages, by pdfinfo."""
    require_tool("pdfinfo")
    page.goto(url + "?print-pdf")
    page.wait_for_function("window.Reveal && Reveal.isReady() && document.querySelector('.pdf-page')")
    page.pdf(path=str(path), prefer_css_page_size=True, print_background=True)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def test_starter_decks_in_both_tabs_and_languages(starter):
    decks = sorted(p.relative_to(starter / "slides").as_posix()
                   for p in (starter / "slides").rglob("*.html") if "_reveal" not in p.parts)
    pages = ["linear-regression-concise", "linear-regression-scratch", "softmax-regression"]
    assert decks == sorted(f"{tab}/{lang}chapter_linear/{p}.html" for tab in ("mxnet", "pytorch")
                           for lang in ("", "en/") for p in pages)
    korean = (starter / "slides/pytorch/chapter_linear/linear-regression-scratch.html").read_text()
    english = (starter / "slides/pytorch/en/chapter_linear/linear-regression-scratch.html").read_text()
    assert "밑바닥부터" in korean and "Linear Regression from Scratch" not in korean
    assert "Linear Regression from Scratch" in english and "밑바닥부터" not in english
    for deck in decks:
        nbformat.validate(nbformat.read(starter / "slides" / deck.replace(".html", ".ipynb"), as_version=4))


def test_starter_deck_from_file_and_from_the_server(starter, tmp_path):
    rel = "pytorch/chapter_linear/softmax-regression.html"
    total = _slide_count(starter, rel)
    assert total >= 3
    with chromium() as browser:
        page, errors, log = _open(browser, (starter / "slides" / rel).as_uri())
        _walk(page, total)
        assert [w for w, h in _visible_in_current(page, "math") if w > 0], "the first slide's formula"
        assert errors == [] and log.outside() == []
        assert _pdf_pages(page, (starter / "slides" / rel).as_uri(), tmp_path / "deck.pdf") == total
        page.close()

        with served(starter / "html") as base:
            site_page = browser.new_page()
            site_page.goto(base + "chapter_linear/softmax-regression.html")
            link = site_page.locator(".downloads a.slides")
            link.first.wait_for()
            assert link.first.get_attribute("href").endswith("_downloads/slides/pytorch/chapter_linear/"
                                                              "softmax-regression.html")
            link.first.click()
            site_page.wait_for_function("window.Reveal && Reveal.isReady()")
            assert site_page.evaluate("Reveal.getTotalSlides()") == total
            # the deck links back to its page
            site_page.click(".deck-back")
            site_page.wait_for_url(base + "chapter_linear/softmax-regression.html")
            site_page.close()

            page, errors, log = _open(browser, base + "_downloads/slides/" + rel)
            _walk(page, total)
            assert errors == [] and log.outside() == []
            page.close()


def test_lecture_deck_shows_math_the_run_plot_and_the_speaker_view(lecture, tmp_path):
    rel = "python/talk.html"  # a book without tabs has one, `python`
    assert _slide_count(lecture, rel) == 3
    with chromium() as browser:
        with served(lecture / "html") as base:
            page, errors, log = _open(browser, base + "_downloads/slides/" + rel)
            _walk(page, 3)
            _swipe(page, -200)  # touch: a swipe to the left shows the next slide, to the right the last
            page.wait_for_function("Reveal.getState().indexh === 1")
            _swipe(page, 200)
            page.wait_for_function("Reveal.getState().indexh === 0")
            assert "Things grow" in page.inner_text(".reveal .slides section.present")
            assert "# inputs" not in page.inner_text(".reveal .slides section.present")
            assert "Prose the slides leave out" not in page.content()
            page.keyboard.press("ArrowRight")
            page.wait_for_function("Reveal.getState().indexh === 1")
            maths = _visible_in_current(page, "math")
            assert maths and all(w > 20 and h > 10 for w, h in maths)
            plots = _visible_in_current(page, ".outputs svg.plot, .outputs svg")
            assert plots and plots[0][0] > 100 and plots[0][1] > 50
            page.keyboard.press("ArrowRight")
            page.wait_for_function("Reveal.getState().indexh === 2")
            assert "6" in page.inner_text(".reveal .slides section.present .outputs")
            corner = page.locator(".deck-corner.top-right img")
            assert corner.evaluate("img => img.complete && img.naturalWidth > 0")

            with page.context.expect_page() as opened:
                page.keyboard.press("s")
            speaker = opened.value
            speaker.wait_for_selector(".speaker-controls-time", timeout=10_000)
            speaker.wait_for_selector("#current-slide iframe")
            speaker.close()
            assert errors == [] and log.outside() == []
            assert _pdf_pages(page, base + "_downloads/slides/" + rel, tmp_path / "lecture.pdf") == 3
            page.close()
